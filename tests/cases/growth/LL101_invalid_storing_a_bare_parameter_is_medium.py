_hooks = []
_files = set()

def add_reload_hook(fn):
    _hooks.append(fn)  # LL101

def watch(filename):
    _files.add(filename)  # LL101
# case: {"confidence": "medium", "id": "storing-a-bare-parameter-is-medium", "options": {"all-forms": true}}
