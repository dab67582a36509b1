import json
import sys


def load_settings(path):
    # called once, from the __main__ block: the process exits with the file released
    return json.load(open(path))


def main():
    for line in open(sys.argv[1]):
        print(line)


if __name__ == "__main__":
    settings = load_settings(sys.argv[2])
    main()
# case: {"id": "called-once-from-main-block"}
