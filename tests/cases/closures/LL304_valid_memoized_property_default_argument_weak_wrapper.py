from sqlalchemy import util

class Table:
    def __init__(self, **kwargs):
        self.info = kwargs.pop("info", self.info)
        self.columns = util.WeakPopulateDict(self._locate_col)

    @util.memoized_property
    def info(self):
        return {}

    def _locate_col(self, key):
        return key
# case: {"id": "memoized-property-default-argument-weak-wrapper"}
