def parse(text):
    try:
        return int(text)
    except ValueError as e:
        return e
# case: {"id": "returned-from-handler"}
