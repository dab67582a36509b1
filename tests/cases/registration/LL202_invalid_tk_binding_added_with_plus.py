import tkinter

class Tooltip:
    def __init__(self, root):
        root.bind("<Motion>", self.follow, add="+")  # LL202

    def follow(self, event):
        pass
# case: {"id": "tk-binding-added-with-plus", "options": {"all-forms": true}}
