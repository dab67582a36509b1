from mylib import plt

def render(data):
    fig = plt.figure()
    fig.savefig("x.png")
# case: {"id": "look-alike-not-matplotlib"}
