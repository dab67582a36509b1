class Handler:
    _seen = {}

    def handle(self, request):
        self._seen[request.id] = request  # LL101
# case: {"confidence": "high", "id": "class-attribute-via-self", "message_contains": "shared by every instance", "options": {"all-forms": true}}
