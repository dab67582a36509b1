def connect(addresses, open_one):
    exceptions = []
    for addr in addresses:
        try:
            return open_one(addr)
        except OSError as exc:
            exceptions.append(exc)
    try:
        raise ExceptionGroup("connect failed", exceptions)
    finally:
        exceptions.clear()
# case: {"id": "local-list-cleared-in-finally"}
