import sqlite3
import pytest

@pytest.fixture
def db():
    conn = sqlite3.connect(":memory:")
    yield conn
    conn.close()
# case: {"id": "pytest-fixture-yields"}
