import logging

def get_logger():
    logger = logging.getLogger("app")
    logger.addHandler(logging.StreamHandler())  # LL204
    return logger

def process(item):
    logging.getLogger().addHandler(logging.NullHandler())  # LL204
    logging.root.addHandler(logging.NullHandler())  # LL204
# case: {"id": "local-root-and-inline-loggers"}
