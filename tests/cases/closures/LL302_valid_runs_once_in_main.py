import sys

def main(argv):
    while True:
        try:
            run(argv)
        except Exception:
            tb = sys.exc_info()[2]
            print_post_mortem(tb)
# case: {"id": "runs-once-in-main"}
