import matplotlib.pyplot as plt

def plot_traces(x, ys, labels):
    plt.figure()
    for y, label in zip(ys, labels):
        plt.plot(x, y, label=label)
    plt.legend()

class CapStyle:
    @staticmethod
    def demo():
        fig = plt.figure(figsize=(4, 1.2))
        ax = fig.add_axes((0, 0, 1, 0.8))
        ax.set_title("Cap style")
# case: {"id": "drawn-for-the-caller-to-show"}
