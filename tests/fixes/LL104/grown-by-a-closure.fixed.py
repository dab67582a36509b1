def make_logger(lines=None):  # LL104
    if lines is None:
        lines = []
    def log(line):
        lines.append(line)
    return log
