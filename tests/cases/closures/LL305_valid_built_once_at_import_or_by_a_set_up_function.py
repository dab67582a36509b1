def _build_table():
    table = {}
    def add(prefix, depth):
        table[prefix] = depth
        if depth < 3:
            add(prefix + "x", depth + 1)
    add("", 0)
    return table

TABLE = _build_table()

def install_wrappers(module):
    def wrap(name):
        return wrap if name else None
    module.wrap = wrap(module.__name__)
# case: {"id": "built-once-at-import-or-by-a-set-up-function"}
