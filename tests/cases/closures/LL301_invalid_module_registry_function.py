import events

def watch(path, state):
    events.subscribe(lambda e: state.update(path, e))  # LL301
# case: {"id": "module-registry-function"}
