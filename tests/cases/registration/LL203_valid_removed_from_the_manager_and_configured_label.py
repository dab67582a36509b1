import logging
import uuid

def adapter_for(call):
    logger = logging.getLogger(f"app.{uuid.uuid4()}")
    try:
        return call(logger)
    finally:
        logging.root.manager.loggerDict.pop(logger.name, None)

def instance_logger(instance):
    return logging.getLogger("%s.%s" % (__name__, instance.logging_name or instance.default_name))
# case: {"id": "removed-from-the-manager-and-configured-label"}
