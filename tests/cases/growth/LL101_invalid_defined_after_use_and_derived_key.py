def handler(request):
    key = request.path
    _responses[key] = render(request)  # LL101

_responses = {}
# case: {"confidence": "high", "id": "defined-after-use-and-derived-key", "options": {"all-forms": true}}
