import matplotlib.pyplot as plt

for epoch in range(10):
    fig, axes = plt.subplot_mosaic("AB")  # LL601
    fig.savefig(f"epoch{epoch}.png")
# case: {"id": "module-level-loop"}
