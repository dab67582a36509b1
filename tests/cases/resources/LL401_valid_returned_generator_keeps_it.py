def lines(path):
    fh = open(path)
    return (line.rstrip() for line in fh)
# case: {"id": "returned-generator-keeps-it"}
