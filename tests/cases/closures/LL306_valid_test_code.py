def test_handlers(names):
    handlers = []
    for name in names:
        handlers.append(lambda: name)
    assert [h() for h in handlers] == [names[-1]] * len(names)
# case: {"id": "test-code"}
