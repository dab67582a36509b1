def walk_packages(path):
    def seen(p, m={}):
        if p in m:
            return True
        m[p] = True
    return [p for p in path if not seen(p)]
# case: {"id": "default-of-a-nested-function-is-per-call"}
