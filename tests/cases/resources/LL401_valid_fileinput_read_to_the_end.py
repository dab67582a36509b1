from fileinput import FileInput

def count_lines(paths):
    fi = FileInput(files=paths)
    lines = list(fi)
    return len(lines)
# case: {"id": "fileinput-read-to-the-end"}
