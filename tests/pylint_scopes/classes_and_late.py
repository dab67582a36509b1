import functools


@functools.total_ordering
class C:  # pylint: disable=eval-used
    x = eval("1")

    def f(self):
        # pylint: enable=eval-used
        return eval("1")  # <- reported

    def g(self):
        return eval("1")


def h(p):
    x = eval(p)  # pylint: disable=eval-used
    return x, eval(p)  # <- reported


x = eval("2")  # <- reported
# pylint: disable=eval-used


def late():
    return eval("3")
