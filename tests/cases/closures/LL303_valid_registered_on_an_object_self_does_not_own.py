class Panel:
    def show(self, button):
        button.on_click(lambda: self.refresh())
# case: {"id": "registered-on-an-object-self-does-not-own"}
