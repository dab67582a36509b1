class Worker:
    def run(self, batch):
        try:
            self.process(batch)
        except Exception as e:
            self.last_error = e  # LL302
