import logging

def handle(request):
    log = logging.LoggerAdapter(logging.getLogger("app.request"), {"request_id": request.id})  # LL203
    log.info("start")
