import sys

def serve(app):
    def hook(*exc_info):
        app.report(exc_info)
    sys.excepthook = hook  # LL301
# case: {"confidence": "medium", "id": "module-attribute-slot"}
