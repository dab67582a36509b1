class Button:
    def __init__(self, label):
        self.label = label
        self.text = lambda: label.upper()
# case: {"id": "lambda-not-capturing-self"}
