from enum import IntEnum
import functools

class Base(IntEnum):
    pass

class Level(Base):
    LOW = 1

    @functools.lru_cache()
    def label(self):
        return self.name.lower()
# case: {"id": "enum-subclass-in-module"}
