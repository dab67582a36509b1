class Model:
    instances = set()

    def __init__(self):
        self.__class__.instances.add(self)  # LL201
        type(self).instances.add(self)  # LL201
# case: {"id": "dunder-class-and-type-self"}
