def make_logger(lines=[]):  # LL104
    def log(line):
        lines.append(line)
    return log
# case: {"id": "grown-by-a-closure"}
