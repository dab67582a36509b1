_on_exit = []

class Tab:
    on_close = []

    def open(self):
        Tab.on_close.append(self.closed)
        self.on_close.append(self.closed)
        _on_exit.append(self.closed)

    def closed(self):
        pass
# case: {"id": "class-and-module-containers-are-LL201"}
