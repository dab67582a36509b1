from matplotlib.figure import Figure

def render(data, path):
    fig = Figure()
    fig.add_subplot().plot(data)
    fig.savefig(path)
# case: {"id": "object-oriented-figure"}
