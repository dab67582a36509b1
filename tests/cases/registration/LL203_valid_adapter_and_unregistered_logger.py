import logging

def handle(request, logger=logging.getLogger(__name__)):
    adapter = logging.LoggerAdapter(logger, {"request_id": request.id})
    adapter.info("start")
    logging.Logger(f"req-{request.id}")
# case: {"id": "adapter-and-unregistered-logger"}
