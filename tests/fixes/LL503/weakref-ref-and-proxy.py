import weakref

class Listener:
    def __init__(self, bus):
        self._callback = weakref.ref(self.on_event)  # LL503
        bus.subscribe(weakref.proxy(self.on_event))  # LL503

    def on_event(self, event):
        return event
