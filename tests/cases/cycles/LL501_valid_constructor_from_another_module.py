from external import Widget

class Window:
    def __init__(self):
        self.button = Widget(self)
# case: {"id": "constructor-from-another-module"}
