class Base:
    def __del__(self):
        pass

    def start(self):
        return 1

class Worker(Base):
    def __init__(self):
        self.me = self  # LL502
        self.run = self.start  # LL502
# case: {"id": "del-inherited-from-module-base"}
