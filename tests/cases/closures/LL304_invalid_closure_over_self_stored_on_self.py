class Base:
    def flush(self):
        pass

class Writer(Base):
    def __init__(self):
        self.on_exit = lambda: self.flush()  # LL304

        def tick():
            self.flush()
        self.tick = tick  # LL304
# case: {"id": "closure-over-self-stored-on-self", "message_contains": "captures self"}
