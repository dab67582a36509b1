import sqlite3

def open_db(path, opener):
    def factory(*args, **kwargs):
        return opener(path, *args, **kwargs)
    return sqlite3.connect(path, factory=factory)
# case: {"id": "connect-on-a-module-is-a-factory"}
