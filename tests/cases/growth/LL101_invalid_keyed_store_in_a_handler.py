_last = {}

def on_message(message):
    _last[message.topic] = message.payload  # LL101

def other(name):
    _unrelated = {}
    _unrelated.pop(name)
# case: {"confidence": "high", "id": "keyed-store-in-a-handler", "options": {"all-forms": true}}
