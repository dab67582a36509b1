# pylint: disable=eval-used
"""Module doc."""
A = eval("1")


def f(p):
    a = eval(p)
    # pylint: enable=eval-used
    b = eval(p)  # <- reported

    def inner():
        # pylint: disable=eval-used
        return eval(p)
    c = eval(p)  # <- reported
    return a, b, c, inner


def g(p):
    # pylint: disable=unused-variable,eval-used
    return eval(p)


B = eval("1")  # pylint: disable=invalid-name
