class Request:
    def __init__(self, url, headers=None):  # LL104
        if headers is None:
            headers = {}
        self.url = url
        self.headers = headers

    def add_header(self, name, value):
        self.headers[name] = value
