class Registry:
    entries = []

    @classmethod
    def add(cls, entry):
        cls.entries.append(entry)  # LL101

def remember(entry):
    Registry.entries.append(entry)
# case: {"id": "class-attribute-via-cls-and-name", "options": {"all-forms": true}}
