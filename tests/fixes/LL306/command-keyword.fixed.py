def build(root, labels, Button):
    for label in labels:
        Button(root, text=label, command=lambda label=label: print(label))  # LL306
