import sys

class Worker:
    def run(self, batch):
        try:
            self.process(batch)
        except Exception:
            self.exc_info = sys.exc_info()  # LL302
            self.failures.append((batch.id, sys.exc_info()[2]))  # LL302
# case: {"id": "exc-info-and-traceback-on-self", "options": {"all-forms": true}}
