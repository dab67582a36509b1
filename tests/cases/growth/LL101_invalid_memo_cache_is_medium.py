_parsed = {}

def parse(text):
    if text not in _parsed:
        _parsed[text] = text.split()  # LL101
    return _parsed[text]
# case: {"confidence": "medium", "id": "memo-cache-is-medium", "message_contains": "used as a cache", "options": {"all-forms": true}}
