def test_done_callback(executor):
    fut = executor.submit(print)
    fut.add_done_callback(lambda _: fut.result())
# case: {"id": "test-code"}
