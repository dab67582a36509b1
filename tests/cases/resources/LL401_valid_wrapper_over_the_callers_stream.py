import gzip
import io
import wave

def decompress(data):
    gz = gzip.GzipFile(fileobj=io.BytesIO(data))
    return gz.read()

def rate(f):
    w = wave.open(f, "r")
    return w.getframerate()
# case: {"id": "wrapper-over-the-callers-stream"}
