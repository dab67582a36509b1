from collections import defaultdict

_srid_cache = defaultdict(dict)

def get_srid_info(srid, connection):
    alias = connection.alias
    if srid not in _srid_cache[alias]:  # LL101
        _srid_cache[alias][srid] = connection.lookup(srid)
    return _srid_cache[alias][srid]
# case: {"confidence": "medium", "id": "nested-memo-cache-is-medium", "message_contains": "used as a cache", "options": {"all-forms": true}}
