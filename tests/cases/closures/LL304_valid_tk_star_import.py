from tkinter import *

class Debugger:
    def __init__(self, frame):
        self.go = Button(frame, text="Go", command=self.cont)

    def cont(self):
        pass
# case: {"id": "tk-star-import"}
