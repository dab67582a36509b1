import matplotlib.pyplot as plt

def _save_figure(objects, fmt):
    fig = plt.figure()
    fig.savefig(f"out.{fmt}")
# case: {"id": "helper-in-a-test-module", "path": "tests/test_determinism.py"}
