import atexit
import gc
import multiprocessing.util


def watch(job):
    def report(phase, info):
        print(job, phase, info)

    gc.callbacks.append(report)  # LL301
    atexit.register(print, lambda: job.summary())  # LL301
    multiprocessing.util.register_after_fork(job, lambda j: j.reset(job))  # LL301
# case: {"id": "kept-by-any-process-wide-registry"}
