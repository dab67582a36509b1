import fs

def listing(url):
    home = fs.open_fs(url)  # LL401
    return home.listdir("/")
# case: {"id": "extra-factory-option", "options": {"extra": ["fs.open_fs"]}}
