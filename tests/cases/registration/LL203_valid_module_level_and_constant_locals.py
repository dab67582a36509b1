import logging

PREFIX = "myapp"

for component in ("db", "http"):
    logging.getLogger(f"{PREFIX}.{component}")

def component_logger():
    name = PREFIX + ".core"
    return logging.getLogger(name)
# case: {"id": "module-level-and-constant-locals"}
