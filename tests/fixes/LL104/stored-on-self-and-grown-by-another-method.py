class Request:
    def __init__(self, url, headers={}):  # LL104
        self.url = url
        self.headers = headers

    def add_header(self, name, value):
        self.headers[name] = value
