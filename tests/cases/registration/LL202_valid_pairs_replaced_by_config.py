class Plugin:
    def load(self, bus):
        bus.subscribe("ready", self.on_ready)

    def on_ready(self):
        pass
# case: {"id": "pairs-replaced-by-config", "options": {"pairs": [["attach", "detach"]]}}
