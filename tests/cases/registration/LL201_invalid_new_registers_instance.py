class Pool:
    _instances = {}

    def __new__(cls, url):
        obj = super().__new__(cls)
        cls._instances[url] = obj  # LL201
        return obj
# case: {"id": "new-registers-instance"}
