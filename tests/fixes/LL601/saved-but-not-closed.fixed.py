import matplotlib.pyplot as plt

def render(data, path):
    fig, ax = plt.subplots()  # LL601
    ax.plot(data)
    fig.savefig(path)
    plt.close(fig)
