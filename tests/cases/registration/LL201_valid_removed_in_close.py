class Worker:
    _all = []

    def __init__(self):
        Worker._all.append(self)

    def close(self):
        Worker._all.remove(self)
# case: {"id": "removed-in-close"}
