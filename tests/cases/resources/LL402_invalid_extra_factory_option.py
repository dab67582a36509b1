import fs

def listing(url):
    return fs.open_fs(url).listdir("/")  # LL402
# case: {"id": "extra-factory-option", "options": {"extra": ["fs.open_fs"]}}
