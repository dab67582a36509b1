import logging

def handle(request_id, body):
    log = logging.getLogger(f"svc.request.{request_id}")  # LL203
    log.debug("%d bytes", len(body))
