class RegionRedirector:
    def register(self, emitter):
        emitter.register("needs-retry.s3", self.redirect_from_error)

    def _install_hooks(self, client):
        client.meta.events.register("before-call", self.annotate)

    def redirect_from_error(self, **kwargs):
        pass

    def annotate(self, **kwargs):
        pass
# case: {"id": "method-that-exists-to-register"}
