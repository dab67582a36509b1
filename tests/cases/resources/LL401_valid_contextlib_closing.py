import contextlib
import sqlite3
from urllib.request import urlopen

def count(db):
    conn = sqlite3.connect(db)
    with contextlib.closing(conn):
        return conn.execute("select count(*) from t").fetchone()

def fetch(url):
    resp = urlopen(url)
    with contextlib.closing(resp) as r:
        return r.read()
# case: {"id": "contextlib-closing"}
