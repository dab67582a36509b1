HANDLERS = []

def setup():
    HANDLERS.append(lambda event: print(event))
# case: {"id": "captures-nothing"}
