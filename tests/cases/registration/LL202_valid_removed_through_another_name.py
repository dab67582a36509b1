class DragHandler:
    def __init__(self, event):
        self.initial_widget = widget = event.widget
        widget.on("release", self.on_release)

    def on_release(self, event):
        self.initial_widget.off("release")
# case: {"id": "removed-through-another-name"}
