from matplotlib import pyplot

def report(series, out):
    for name, values in series.items():
        pyplot.figure(figsize=(4, 3))  # LL601
        pyplot.plot(values)
        pyplot.savefig(out / f"{name}.png")
        pyplot.clf()
