import threading
import tkinter as tk

class Window:
    def __init__(self, root):
        self.ok = tk.Button(root, text="OK", command=self.close)
        self.binding = root.bind("<Escape>", self.close)
        self.worker = threading.Thread(target=self.run, daemon=True)
        self.labels = list(map(self.label, range(3)))

    def close(self, event=None):
        pass

    def run(self):
        pass

    def label(self, i):
        return str(i)
# case: {"id": "tk-widget-binding-id-thread-and-call-results"}
