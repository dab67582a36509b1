_log = []
_tags = set()

def write(line):
    global _log, _tags
    _log += [line]  # LL101
    _tags |= {line}  # LL101
# case: {"id": "augmented-assignment", "options": {"all-forms": true}}
