def handle(request):
    callbacks = []
    callbacks.append(lambda: request.close())
    for cb in callbacks:
        cb()
# case: {"id": "closure-stored-on-a-local"}
