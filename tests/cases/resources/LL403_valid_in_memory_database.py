import sqlite3

def test_backup(source):
    with sqlite3.connect(":memory:") as bck:
        source.backup(bck)
# case: {"id": "in-memory-database"}
