import asyncio

SHUTDOWN = asyncio.Future()

class Session:
    def __init__(self, emitter, subject, dispatcher, registry, loop):
        emitter.addListener("data", self.on_data)  # LL202
        subject.add_observer(self.on_data)  # LL202
        dispatcher.add_handler(self.on_data)  # LL202
        dispatcher.add_event_handler("open", self.on_data)  # LL202
        registry.register("session", self.on_data)  # LL202
        loop.add_writer(7, self.on_data)  # LL202
        SHUTDOWN.add_done_callback(self.on_data)  # LL202
        subject.subscribe(callback=self.on_data)  # LL202

    def on_data(self, *args):
        pass
# case: {"id": "every-default-pair", "options": {"all-forms": true}}
