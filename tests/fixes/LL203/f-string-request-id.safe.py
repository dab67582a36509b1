import logging

def handle(request):
    log = logging.getLogger(f"app.request.{request.id}")  # LL203
    log.info("start")
