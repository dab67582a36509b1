class TestHandler:
    def setUp(self):
        self.handler = self.fake_handler

    def fake_handler(self, request):
        return request
# case: {"id": "test-code"}
