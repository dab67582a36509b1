from app import bus

class Widget:
    def show(self):
        bus.subscribe(lambda event: self.redraw(event))

    def hide(self):
        bus.unsubscribe(self.redraw)
# case: {"id": "registry-with-removal"}
