import functools
import logging

_log = logging.getLogger(__name__)

@functools.cache
def _ensure_handler():
    handler = logging.StreamHandler()
    _log.addHandler(handler)
    return handler
# case: {"id": "memoised-runs-once"}
