class Config:
    _instances = {}

    def __new__(cls):
        if cls not in cls._instances:
            cls._instances[cls] = super().__new__(cls)
        return cls._instances[cls]

_default = {}

class Settings:
    def activate(self):
        _default["current"] = self
# case: {"id": "single-slot-singletons"}
