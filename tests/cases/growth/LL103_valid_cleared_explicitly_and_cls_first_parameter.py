import functools

class Apps:
    @functools.cache
    def get_models(self, include_auto_created=False):
        return []

    def clear_cache(self):
        self.get_models.cache_clear()

class RegisterLookupMixin:
    @functools.cache
    def get_class_lookups(cls):
        return {}
# case: {"id": "cleared-explicitly-and-cls-first-parameter"}
