import codecs
import sys


class Tracer:
    def start(self):
        codecs.register_error("trace", self.on_error)  # LL202
        sys.set_asyncgen_hooks(firstiter=self.on_first)  # LL202

    def on_error(self, exc):
        return ("?", exc.end)

    def on_first(self, agen):
        pass
# case: {"id": "process-wide-slot-hooks", "options": {"all-forms": true}}
