class Store:
    def put(self, key, value):
        with self._mutex:  # LL404
            self.data[key] = encode(value)
