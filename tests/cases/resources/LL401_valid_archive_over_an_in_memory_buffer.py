import io
import zipfile

def bundle(code):
    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w")
    archive.writestr("index.py", code)
    archive.close()
    return buf.getvalue()
# case: {"id": "archive-over-an-in-memory-buffer"}
