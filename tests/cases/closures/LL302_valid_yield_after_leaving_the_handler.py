def storage(local, get_loop):
    try:
        get_loop()
        in_sync = False
    except RuntimeError:
        in_sync = True
    if in_sync:
        yield local.storage
# case: {"id": "yield-after-leaving-the-handler"}
