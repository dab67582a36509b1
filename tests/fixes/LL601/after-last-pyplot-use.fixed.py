import matplotlib.pyplot as plt


def draw(values, path):
    fig = plt.figure()  # LL601
    plt.plot(values)
    plt.savefig(path)
    plt.close(fig)
    summary = sum(values)
    return summary


def draw_and_log(values, path, log):
    fig, ax = plt.subplots()  # LL601
    ax.plot(values)
    fig.savefig(path)
    plt.close(fig)
    log(path)
    return path


def returned(values):
    fig, ax = plt.subplots()  # LL601
    ax.plot(values)
    return fig
