from concurrent.futures import ThreadPoolExecutor

def test_draw_from_a_thread(fig):
    future = ThreadPoolExecutor().submit(fig.canvas.draw)
    future.result()
# case: {"id": "test-code", "path": "tests/test_backends.py"}
