class Pool:
    def add(self, path):
        fh = open(path)
        self.files.append(fh)

    def put(self, key, path):
        conn = open(path)
        self.cache[key] = conn
# case: {"id": "stored-in-a-container"}
