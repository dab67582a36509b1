import logging

def add_stderr_logger(level=logging.DEBUG):
    logger = logging.getLogger(__name__)
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    return handler
# case: {"id": "handler-handed-back-to-the-caller"}
