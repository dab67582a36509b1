import json
import subprocess

def load(path):
    fh = open(path)  # LL401
    data = json.load(fh)
    fh.close()
    return data
# case: {"confidence": "medium", "id": "closed-on-success-path-only", "message_contains": "not closed if an exception is raised", "options": {"error-paths": true}}
