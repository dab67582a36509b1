import logging

def handle(request_id, body):
    log = logging.LoggerAdapter(logging.getLogger("svc.request"), {"request_id": request_id})  # LL203
    log.debug("%d bytes", len(body))
