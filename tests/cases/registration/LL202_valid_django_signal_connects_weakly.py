from django.db.models.signals import post_save

class Auditor:
    def __init__(self):
        post_save.connect(self.on_save)

    def on_save(self, sender, **kwargs):
        pass
# case: {"id": "django-signal-connects-weakly"}
