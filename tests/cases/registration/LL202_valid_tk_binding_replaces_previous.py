import tkinter

class History:
    def __init__(self, text):
        self.text = text
        text.bind("<<history-previous>>", self.history_prev)

    def history_prev(self, event):
        pass

class Tip:
    def __init__(self, root):
        root.bind(self.SEQUENCE, self.hide)

    def hide(self, event):
        pass
# case: {"id": "tk-binding-replaces-previous"}
