class Store:
    def put(self, key, value):
        self._mutex.acquire()  # LL404
        self.data[key] = encode(value)
        self._mutex.release()
# case: {"confidence": "medium", "id": "recognised-by-name"}
