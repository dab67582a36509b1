import asyncio

def make_loop():
    asyncio_loop = asyncio.new_event_loop()
    loop = EventLoop(asyncio_loop=asyncio_loop)
    return loop
# case: {"id": "handed-to-a-constructor-by-keyword"}
