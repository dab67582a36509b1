import matplotlib.pyplot as plt


def draw(values, path):
    fig = plt.figure()  # LL601
    plt.plot(values)
    plt.savefig(path)
    summary = sum(values)
    return summary


def draw_and_log(values, path, log):
    fig, ax = plt.subplots()  # LL601
    ax.plot(values)
    fig.savefig(path)
    log(path)
    return path


def returned(values):
    fig, ax = plt.subplots()  # LL601
    ax.plot(values)
    return fig
