from plugins import hooks

def load(plugin):
    @hooks.register("startup")  # LL301
    def start():
        plugin.activate()
# case: {"id": "registration-decorator-on-nested-def", "message_contains": "plugin"}
