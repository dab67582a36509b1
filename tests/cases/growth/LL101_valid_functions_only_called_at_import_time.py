opmap = {}
hasname = []
_table = {}

def def_op(name, op):
    opmap[name] = op

def name_op(name, op):
    def_op(name, op)
    hasname.append(op)

def _fill(n):
    _table[n] = str(n)

def_op("NOP", 9)
name_op("LOAD_NAME", 101)
for _n in range(3):
    _fill(_n)
del def_op, name_op
# case: {"id": "functions-only-called-at-import-time"}
