log = open("app.log", "a")

if __name__ == "__main__":
    data = open("input.txt")
# case: {"id": "module-level-not-checked"}
