import codecs
import gc
from multiprocessing.util import register_after_fork

class Codec:
    def install(self):
        codecs.register(self.search)  # LL202
        gc.callbacks.append(self.on_gc)  # LL202
        register_after_fork(self, self.reset)  # LL202

    def search(self, name):
        return None

    def on_gc(self, phase, info):
        pass

    def reset(self):
        pass
# case: {"id": "codecs-gc-callbacks-after-fork", "message_contains": "process-wide registry", "options": {"all-forms": true}}
