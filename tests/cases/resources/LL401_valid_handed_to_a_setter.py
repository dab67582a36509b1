import asyncio

def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop.run_until_complete(job())
# case: {"id": "handed-to-a-setter"}
