import gzip
import sys

def main(argv):
    out = open(argv[1], "wb")
    out.write(gzip.decompress(sys.stdin.buffer.read()))

def selftest():
    fh = open(__file__)
    print(fh.read())

if __name__ == "__main__":
    sys.exit(main(sys.argv) or selftest())
# case: {"id": "runs-once-per-process"}
