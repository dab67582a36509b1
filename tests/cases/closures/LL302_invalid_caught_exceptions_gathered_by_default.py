def check_union(value, checkers):
    errors = {}
    for name, check in checkers.items():
        try:
            check(value)
            return
        except TypeError as exc:
            errors[name] = exc  # LL302
    raise TypeError(", ".join(f"{k}: {v}" for k, v in errors.items()))


def connect_any(addresses, connect):
    oserrors = []
    for address in addresses:
        try:
            return connect(address)
        except OSError as exc:
            oserrors.append(exc)  # LL302
    raise OSError("all attempts failed", oserrors)


async def happy_eyeballs(addresses, connect, start_soon):
    async def attempt(address):
        try:
            return await connect(address)
        except OSError as exc:
            failures.append(exc)  # LL302

    failures = []
    for address in addresses:
        start_soon(attempt, address)
    return failures
# case: {"id": "caught-exceptions-gathered-by-default"}
