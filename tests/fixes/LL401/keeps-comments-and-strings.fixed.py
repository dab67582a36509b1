def report(path, rows):
    # the report file
    with open(path, "w") as out:  # LL401
        out.write("""header
  indented line inside a string
""")
        for row in rows:
            # one line per row
            out.write(row)  # a trailing comment

    return len(rows)
