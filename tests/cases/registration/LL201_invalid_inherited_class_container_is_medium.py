from external import Base

class Child(Base):
    def __init__(self):
        type(self).registry.append(self)  # LL201
# case: {"confidence": "medium", "id": "inherited-class-container-is-medium"}
