try:
    import fast_json as json
except ImportError as exc:
    _import_error = exc
# case: {"id": "module-level-once-at-import"}
