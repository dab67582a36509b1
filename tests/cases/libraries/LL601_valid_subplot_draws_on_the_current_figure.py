import matplotlib.pyplot as plt

def panels(series, path):
    for i, values in enumerate(series):
        plt.subplot(len(series), 1, i + 1)
        plt.plot(values)
    plt.savefig(path)
# case: {"id": "subplot-draws-on-the-current-figure"}
