from contextlib import ExitStack

def merge(paths, out_path):
    with ExitStack() as stack:
        files = [stack.enter_context(open(p)) for p in paths]
        out = open(out_path, "w")
        stack.enter_context(out)
        for f in files:
            out.write(f.read())

def add_log(stack: ExitStack, path):
    log = open(path, "a")
    stack.enter_context(log)
    log.write("started")
# case: {"id": "exitstack-enter-context-including-parameter"}
