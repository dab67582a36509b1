def is_archive(name):
    archive = open(name)
    names = archive.getnames()
    return bool(names)

class Archive:
    @classmethod
    def open(cls, name):
        return cls()

open = Archive.open
# case: {"id": "builtin-shadowed-later-at-module-level"}
