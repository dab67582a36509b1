import gzip
import io

def decompress(data):
    return gzip.GzipFile(fileobj=io.BytesIO(data)).read()
# case: {"id": "wrapper-over-in-memory-stream"}
