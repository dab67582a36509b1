def storage(local, get_loop):
    try:
        get_loop()
    except RuntimeError:
        yield local.storage  # LL302
    else:
        yield local.context
# case: {"id": "yield-inside-except", "message_contains": "suspends the generator", "options": {"all-forms": true}}
