import atexit
import os

class Producer:
    def __init__(self):
        atexit.register(self.close)  # LL202
        os.register_at_fork(after_in_child=self._reinit)  # LL202

    def close(self):
        pass

    def _reinit(self):
        pass
# case: {"confidence": "medium", "id": "default-form-instance-in-process-registry"}
