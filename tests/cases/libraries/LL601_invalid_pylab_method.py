import pylab

class Plotter:
    def plot(self, data):
        fig = pylab.figure()  # LL601
        ax = fig.add_subplot()
        ax.plot(data)
        fig.savefig(self.path)
# case: {"id": "pylab-method"}
