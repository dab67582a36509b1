import aiohttp
import httpx
import requests
import urllib3

def sessions(url):
    with requests.Session() as a:  # LL401
        with httpx.Client() as b:  # LL401
            with urllib3.PoolManager() as c:  # LL401
                return a.get(url), b.get(url), c.request("GET", url)

async def fetch(url):
    session = aiohttp.ClientSession()  # LL401
    client = httpx.AsyncClient()  # LL401
    return await session.get(url), await client.get(url)
