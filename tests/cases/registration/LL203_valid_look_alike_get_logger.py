from mylib import getLogger

def handle(request):
    return getLogger(f"req.{request.id}")
# case: {"id": "look-alike-get-logger"}
