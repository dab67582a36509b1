from logging import getLogger

def job_logger(job):
    name = "jobs." + job.name
    return getLogger(name)  # LL203

def plugin_logger(plugin):
    return getLogger("plugins.{}".format(plugin.label))  # LL203
# case: {"confidence": "medium", "id": "through-a-local-and-format"}
