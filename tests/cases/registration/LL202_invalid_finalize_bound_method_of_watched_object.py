import weakref

class Resource:
    def __init__(self):
        weakref.finalize(self, self.release)  # LL202

    def release(self):
        pass
# case: {"id": "finalize-bound-method-of-watched-object", "message_contains": "never collected", "options": {"all-forms": true}}
