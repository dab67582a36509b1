from sqlalchemy import event

def create_engine(url, pool, on_connect_hook):
    def on_connect(dbapi_connection, record):
        on_connect_hook(dbapi_connection)

    event.listen(pool, "connect", on_connect)

    @event.listens_for(pool, "checkout")
    def checkout(dbapi_connection, record, proxy):
        on_connect_hook(dbapi_connection)

class Prop:
    def setup(self):
        def handler(mapper, connection, target):
            target.refresh(self.key)

        event.listen(self.parent, "after_insert", handler)
# case: {"id": "module-function-registers-on-its-target-argument"}
