import matplotlib.pyplot as plt

def monitor(values):
    for v in values:
        fig = plt.figure(1, clear=True)
        plt.plot(v)
        fig2, ax = plt.subplots(num="loss", clear=True)
# case: {"id": "figure-reused-by-number"}
