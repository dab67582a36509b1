class Request:
    def __init__(self, url, headers={}):  # LL104
        self.url = url
        self.headers = headers

    def add_header(self, name, value):
        self.headers[name] = value
# case: {"id": "stored-on-self-and-grown-by-another-method", "message_contains": "stored on the instance"}
