class Dialog:
    def __init__(self):
        self.button = Button()
        self.button.clicked.connect(self.on_click)
        self.connect("destroy", self.on_destroy)

    def on_click(self):
        pass

    def on_destroy(self):
        pass
# case: {"id": "registry-owned-by-self"}
