import matplotlib.pyplot as plt

def show(data):
    plt.figure()
    plt.plot(data)
    plt.show()
# case: {"id": "figure-shown"}
