import logging

class TestWorker:
    def start(self):
        logging.getLogger("celery").addHandler(logging.StreamHandler())
# case: {"id": "test-code"}
