import enum
from functools import cache

class Color(enum.Enum):
    RED = 1
    GREEN = 2

    @cache
    def hex(self):
        return f"#{self.value:06x}"
# case: {"id": "enum-method"}
