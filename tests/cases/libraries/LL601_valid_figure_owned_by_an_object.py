import matplotlib.pyplot as plt

class Dashboard:
    def __init__(self):
        self.fig = plt.figure()
        self.panels = []

    def add(self):
        fig, ax = plt.subplots()
        self.panels.append(fig)
# case: {"id": "figure-owned-by-an-object"}
