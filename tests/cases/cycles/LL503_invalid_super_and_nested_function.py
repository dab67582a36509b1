import weakref as wr

class Base:
    def close(self):
        pass

class Session(Base):
    def __init__(self, pool):
        pool.on_shutdown(wr.ref(super().close))  # LL503

    def start(self):
        def later():
            return wr.ref(self.close)  # LL503
        return later
# case: {"id": "super-and-nested-function"}
