from enum import Flag

class Perm(Flag):
    R = 4
    W = 2

    @classmethod
    def _missing_(cls, value):
        pseudo = object.__new__(cls)
        pseudo._value_ = value
        cls._value2member_map_.setdefault(value, pseudo)
        return pseudo
# case: {"id": "enum-pseudo-members"}
