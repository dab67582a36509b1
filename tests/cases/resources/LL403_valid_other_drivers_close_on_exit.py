import aiosqlite
import psycopg

async def save(db, row):
    async with aiosqlite.connect(db) as conn:
        await conn.execute("insert into t values (?)", row)
    with psycopg.connect(db) as conn:
        conn.execute("insert into t values (%s)", row)
# case: {"id": "other-drivers-close-on-exit"}
