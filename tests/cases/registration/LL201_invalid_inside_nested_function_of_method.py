_all = []

class Job:
    def __init__(self):
        def register():
            _all.append(self)  # LL201
        register()
# case: {"id": "inside-nested-function-of-method"}
