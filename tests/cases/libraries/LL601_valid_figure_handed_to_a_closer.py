import matplotlib.pyplot as plt

def log_figures(writer, data):
    fig, ax = plt.subplots()
    ax.plot(data)
    writer.add_figure("data", fig)
    save_and_close(fig)

def save_and_close(fig):
    fig.savefig("x.png")
    plt.close(fig)
# case: {"id": "figure-handed-to-a-closer"}
