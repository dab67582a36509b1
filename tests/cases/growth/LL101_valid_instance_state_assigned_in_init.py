class Collector:
    items = []

    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)
# case: {"id": "instance-state-assigned-in-init"}
