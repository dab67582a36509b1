import sys

def tokenize(readline):
    pass

if __name__ == "__main__":
    tokenize(open(sys.argv[1]).readline)
# case: {"id": "main-block"}
