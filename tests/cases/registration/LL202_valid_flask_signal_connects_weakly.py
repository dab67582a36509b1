from flask import request_started

class Metrics:
    def install(self, app):
        request_started.connect(self.on_request, app)

    def on_request(self, sender, **extra):
        pass
# case: {"id": "flask-signal-connects-weakly"}
