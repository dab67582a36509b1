import weakref as wr

class Base:
    def close(self):
        pass

class Session(Base):
    def __init__(self, pool):
        pool.on_shutdown(wr.WeakMethod(super().close))  # LL503

    def start(self):
        def later():
            return wr.WeakMethod(self.close)  # LL503
        return later
