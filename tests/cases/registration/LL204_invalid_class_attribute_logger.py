import logging

class Service:
    log = logging.getLogger(__name__)

    def start(self):
        self.log.addHandler(logging.StreamHandler())  # LL204
# case: {"id": "class-attribute-logger"}
