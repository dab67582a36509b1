import functools
from typing import NamedTuple

class Color(NamedTuple):
    r: int

    @functools.lru_cache(maxsize=1024)
    def downgrade(self, system):
        return self

class _BaseAddress:
    def __eq__(self, other):
        return True

class IPv4Address(_BaseAddress):
    @functools.lru_cache()
    def is_private(self):
        return False
# case: {"id": "bounded-cache-on-value-classes"}
