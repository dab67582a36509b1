import tkinter as tk

class Panel(tk.Frame):
    def build(self):
        canvas = tk.Canvas(self)
        canvas.bind("<Configure>", lambda event: canvas.configure(width=event.width))
# case: {"id": "tkinter-bind-kept-by-tcl"}
