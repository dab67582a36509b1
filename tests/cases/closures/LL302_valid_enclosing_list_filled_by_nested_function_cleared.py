async def connect(hosts, connect_one, tg):
    async def try_connect(host):
        try:
            await connect_one(host)
        except OSError as exc:
            oserrors.append(exc)

    oserrors = []
    try:
        for host in hosts:
            tg.start_soon(try_connect, host)
        raise OSError(oserrors)
    finally:
        oserrors.clear()
# case: {"id": "enclosing-list-filled-by-nested-function-cleared"}
