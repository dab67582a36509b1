import functools

def handle(request, emitter):
    reply = request.reply

    def on_data(chunk):
        reply(chunk)

    emitter.on("data", on_data)  # LL202
    emitter.add_callback(functools.partial(reply, request))  # LL202
# case: {"id": "nested-function-and-partial-over-locals", "options": {"all-forms": true}}
