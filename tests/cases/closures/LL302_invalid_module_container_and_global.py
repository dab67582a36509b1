ERRORS = []
_last = None

def handle(request):
    global _last
    try:
        request.process()
    except Exception as exc:
        ERRORS.append(exc)  # LL302
        _last = exc.__traceback__  # LL302
# case: {"id": "module-container-and-global", "message_contains": "whole process", "options": {"all-forms": true}}
