class Proto:
    def __init_subclass__(cls, **kwargs):
        def _hook(other):
            return issubclass(other, cls)
        cls.__subclasshook__ = _hook
# case: {"id": "class-attribute-closure-over-the-class-itself"}
