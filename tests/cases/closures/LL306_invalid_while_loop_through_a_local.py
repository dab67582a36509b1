def poll(queue, callbacks):
    while True:
        item = queue.get()
        if item is None:
            break
        cb = lambda: item.done()  # LL306
        callbacks.append(cb)
# case: {"id": "while-loop-through-a-local"}
