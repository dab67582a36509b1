_on_exit = None

def serve(server):
    global _on_exit
    _on_exit = lambda: server.shutdown()  # LL301
# case: {"confidence": "medium", "id": "module-global-slot"}
