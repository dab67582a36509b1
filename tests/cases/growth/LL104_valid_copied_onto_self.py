class Config:
    def __init__(self, options={}):
        self.options = dict(options)

    def set(self, key, value):
        self.options[key] = value
# case: {"id": "copied-onto-self"}
