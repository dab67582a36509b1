import logging as lg

def open_session(user):
    sid = next_session_id()
    logger = lg.getLogger(__name__).getChild(f"session-{sid}")  # LL203
    return logger
# case: {"confidence": "high", "id": "aliased-module-getchild-session"}
