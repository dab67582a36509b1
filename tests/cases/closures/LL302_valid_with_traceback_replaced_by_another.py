def run(tests, trim):
    for test in tests:
        try:
            test()
        except AssertionError as e:
            failure = e.with_traceback(trim(e))
            print(failure)
# case: {"id": "with-traceback-replaced-by-another"}
