import threading

async def load(loop, chunks):
    for chunk in chunks:
        def read():
            return chunk.read()
        await loop.run_in_executor(None, read)

def check(pool, executor, items, assert_raises):
    for item in items:
        seen = []
        def errback(exc):
            seen.append((item, exc))
        res = pool.apply_async(item.run, error_callback=errback)
        assert_raises(ValueError, res.get)
        executor.submit(lambda: item.close()).result()
        t = threading.Thread(target=lambda: item.flush())
        t.start()
        t.join()
# case: {"id": "deferred-call-waited-for-in-the-same-iteration"}
