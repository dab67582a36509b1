import logging

class Job:
    def __init__(self, name):
        self.handler = logging.StreamHandler()
        self.handler.addFilter(logging.Filter(name))
        self.log = logging.getLogger(name)
        self.log.addHandler(self.handler)
# case: {"id": "filter-on-own-handler-and-logger-from-parameter"}
