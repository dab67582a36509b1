"""Module doc."""
import functools
# pylint: disable=eval-used
A = eval("1")
# pylint: enable=W0123


class K(object):
    """Doc."""
    # pylint: disable=eval-used
    x = eval("1")

    @functools.cache  # pylint: disable=eval-used
    def m(self):
        return eval("1")

    @staticmethod
    def n(
        p,
    ):  # pylint: disable=eval-used
        return eval(p)

    def o(self):  # pylint: disable=eval-used
        return eval("2")

    y = eval("1")


class Q:  # pylint: disable=eval-used
    """Doc."""
    z = eval("1")


def f(p):
    """Doc."""
    try:
        a = eval(p)  # <- reported
    except ValueError:  # pylint: disable=eval-used
        a = eval(p)  # <- reported
    except:  # pylint: disable=eval-used
        a = eval(p)
        a = eval(p)
    else:  # pylint: disable=eval-used
        a = eval(p)
        a = eval(p)
    finally:  # pylint: disable=eval-used
        b = eval(p)
        b = eval(p)  # <- reported
    try:
        # pylint: disable=eval-used
        a = eval(p)
    except KeyError:
        a = eval(p)  # <- reported
        # pylint: disable=eval-used
        a = eval(p)
    finally:
        # pylint: disable=eval-used
        a = eval(p)
    return a, b


def g(p):
    if p:
        a = eval(p)  # <- reported
    elif p.x:
        # pylint: disable=eval-used
        a = eval(p)
        a = eval(p)
    else:
        a = eval(p)  # <- reported
    for i in p:
        a = eval(p)  # <- reported
        # pylint: disable=eval-used
        a = eval(p)
    else:
        a = eval(p)  # <- reported
    while p:
        # pylint: disable=eval-used
        a = eval(p)
    a = eval(p)  # <- reported
    with p as q:
        # pylint: disable=eval-used
        a = eval(p)
    a = eval(q)  # <- reported
    x = [
        # pylint: disable=eval-used
        eval(p),
        eval(p),
    ]
    y = eval(p)  # <- reported
    if p: a = eval(p)  # pylint: disable=eval-used
    a = eval(p)  # <- reported
    return x, y, a


def h(p):
    match p:
        case 1:
            # pylint: disable=eval-used
            a = eval(p)
        case 2:
            a = eval(p)  # <- reported
    s = """
    text"""; t = eval(p)  # pylint: disable=eval-used  # <- reported
    t = eval(p)  # <- reported
    return a, s, t


def i(p):
    # pylint: disable-next=eval-used
    return [eval(p),
            eval(p)]  # <- reported


def j(p):
    a = eval(p)  # <- reported
    # pylint: disable=eval-used
    b = eval(p)
    # pylint: enable=eval-used
    c = eval(p)  # <- reported
    # pylint: disable=W0123
    return a, b, c, eval(p)


async def k(p):
    # pylint: disable=eval-used
    async for x in p:
        yield eval(x)
    lam = lambda: eval(p)
    return
