import matplotlib.pyplot as plt

def test_plot():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
# case: {"id": "test-function"}
