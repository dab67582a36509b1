import aiohttp
import httpx
import requests
import urllib3

def sessions(url):
    a = requests.Session()  # LL401
    b = httpx.Client()  # LL401
    c = urllib3.PoolManager()  # LL401
    return a.get(url), b.get(url), c.request("GET", url)

async def fetch(url):
    session = aiohttp.ClientSession()  # LL401
    client = httpx.AsyncClient()  # LL401
    return await session.get(url), await client.get(url)
# case: {"id": "third-party-when-imported"}
