from functools import cached_property

class Report:
    @cached_property
    def total(self):
        return sum(self.rows)
# case: {"id": "cached-property"}
