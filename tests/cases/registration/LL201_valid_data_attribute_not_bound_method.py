_names = []

class Task:
    def __init__(self, name):
        self.name = name
        _names.append(self.name)
# case: {"id": "data-attribute-not-bound-method"}
