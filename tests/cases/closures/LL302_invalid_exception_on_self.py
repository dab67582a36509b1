class Worker:
    def run(self, batch):
        try:
            self.process(batch)
        except Exception as e:
            self.last_error = e  # LL302
# case: {"id": "exception-on-self", "message_contains": "on self.last_error", "options": {"all-forms": true}}
