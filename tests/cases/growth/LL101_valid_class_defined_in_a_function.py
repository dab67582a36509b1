def test_something():
    class Fake:
        calls = []

        def run(self, arg):
            self.calls.append(arg)
    Fake().run(1)
# case: {"id": "class-defined-in-a-function"}
