def f():  # pylint: disable=eval-used
    a = eval("p")  # <- reported
    return a

def g(p,
      q):  # pylint: disable=eval-used
    a = eval(p)  # <- reported
    return a

def h(p):
    if p:  # pylint: disable=eval-used
        b = eval(p)  # <- reported
    elif q:
        b = eval(p)  # <- reported
    else:
        b = eval(p)  # <- reported
    if p.x:  # pylint: disable=eval-used
        b = eval(p)  # <- reported
    for x in []:  # pylint: disable=eval-used
        c = eval(p)  # <- reported
    for x in p:  # pylint: disable=eval-used
        c = eval(p)  # <- reported
    with p:  # pylint: disable=eval-used
        c = eval(p)  # <- reported
    return b, c

class D(object):  # pylint: disable=eval-used
    def m(self, p):
        return eval(p)  # <- reported

class E:
    # pylint: disable=eval-used
    def m(self, p):
        return eval(p)
    def n(self, p):
        return eval(p)

def i(p):
    x = 1
    if p:
        pass
    # pylint: disable=eval-used
    return eval(p)

def j(p):
    x = [eval(p),  # pylint: disable=eval-used
         eval(p)]  # <- reported
    y = eval(p) \
        ; z = eval(p)  # pylint: disable=eval-used  # <- reported
    return x, y, z
