import pickle
import weakref

def dump_all(objects, Listener):
    for obj in objects:
        buffers = []
        data = pickle.dumps(obj, protocol=5, buffer_callback=lambda b: buffers.append(b))
        listener = Listener()
        listener.accept_hook = lambda: obj
        ref = weakref.ref(obj, lambda r: buffers.clear())
        yield data, listener.run()
# case: {"id": "used-during-the-call-or-kept-on-a-per-iteration-object"}
