_received = {}

def handler(request):
    _received[request.id] = request.body  # LL101
# case: {"confidence": "medium", "id": "test-modules-are-medium", "path": "tests/test_server.py", "options": {"all-forms": true}}
