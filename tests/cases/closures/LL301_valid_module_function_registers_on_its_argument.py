from sqlalchemy import event

def attach(engine, on_connect):
    def connect(dbapi_connection, record):
        on_connect(dbapi_connection)
    event.listen(engine, "connect", connect)

    @event.listens_for(engine, "close")
    def closed(dbapi_connection, record):
        on_connect(None)
# case: {"id": "module-function-registers-on-its-argument"}
