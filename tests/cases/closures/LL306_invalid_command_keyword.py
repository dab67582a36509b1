def build(root, labels, Button):
    for label in labels:
        Button(root, text=label, command=lambda: print(label))  # LL306
# case: {"id": "command-keyword"}
