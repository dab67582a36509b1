class Status:
    lookup_table = {}

    def __init__(self, value, name):
        self.name = name
        Status.lookup_table[value] = self

REACHABLE = Status(True, "reachable")
UNREACHABLE = Status(False, "unreachable")
# case: {"id": "registry-of-module-constants"}
