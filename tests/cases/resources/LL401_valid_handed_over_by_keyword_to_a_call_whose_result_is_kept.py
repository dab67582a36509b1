import asyncio
import socket

async def connect(addr, ctx):
    sock = socket.socket()
    sock.setblocking(False)
    reader, writer = await asyncio.open_connection(sock=sock, ssl=ctx)
    return reader, writer
# case: {"id": "handed-over-by-keyword-to-a-call-whose-result-is-kept"}
