class PluginMeta(type):
    registry = []

    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        PluginMeta.registry.append(cls)

class Base:
    subclasses = []

    def __init_subclass__(cls, **kw):
        Base.subclasses.append(cls)
# case: {"id": "class-registries-not-instances"}
