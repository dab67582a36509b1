import matplotlib.pyplot as plt

class Sankey:
    def __init__(self, ax=None):
        if ax is None:
            fig = plt.figure()
            ax = fig.add_subplot(1, 1, 1)
            fig.savefig("preview.png")
        self.ax = ax
# case: {"id": "axes-of-the-figure-stored"}
