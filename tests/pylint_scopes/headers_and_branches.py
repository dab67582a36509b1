"""doc"""
def f(p):  # pylint: disable=eval-used
    a = eval(p)  # <- reported
    return a

def g(p):
    a = eval(p)  # <- reported
    if p:  # pylint: disable=eval-used
        b = eval(p)  # <- reported
    else:
        b = eval(p)  # <- reported
    for x in p:  # pylint: disable=eval-used
        c = eval(p)  # <- reported
    else:
        c = eval(p)  # <- reported
    with eval(p) as q:  # pylint: disable=eval-used
        d = eval(p)  # <- reported
    try:  # pylint: disable=eval-used
        e = eval(p)
    except OSError:
        e = eval(p)  # <- reported
    while p:  # pylint: disable=eval-used
        h = eval(p)  # <- reported
    return a, b, c, d, e, q, h

def k(p):
    a = eval(p)  # <- reported
    # pylint: disable=eval-used
    b = eval(p)
    if p:
        # pylint: enable=W0123
        c = eval(p)  # <- reported
    else:
        c = eval(p)
    d = eval(p)
    return a, b, c, d

class C:  # pylint: disable=eval-used
    def m(self, p):
        return eval(p)

def n(p):
    # pylint: disable-next=eval-used
    a = eval(p)
    b = eval(p)  # <- reported
    return a, b

def o(p):
    # pylint: disable=eval-used
    return eval(p)

x = eval("a")  # <- reported
# pylint: disable=eval-used
y = eval("a")
def z(p):
    return eval(p)
# pylint: enable=eval-used
w = eval("a")  # <- reported
