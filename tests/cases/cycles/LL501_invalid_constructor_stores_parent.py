class Section:
    def __init__(self, document, title):
        self.document = document
        self.title = title

class Document:
    def __init__(self):
        self.sections = {}

    def add(self, title):
        self.sections[title] = Section(self, title)  # LL501

    def add_many(self, titles):
        for title in titles:
            section = Section(document=self, title=title)  # LL501
            self.sections[title] = section
# case: {"id": "constructor-stores-parent", "message_contains": "stores this object"}
