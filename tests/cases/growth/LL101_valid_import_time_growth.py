TABLE = {}
for code in range(10):
    TABLE[code] = str(code)

class Codes:
    names = []
    names.append("x")
# case: {"id": "import-time-growth"}
