def parse_chunk(size_b):
    if not size_b.isdigit():
        exc = ValueError(size_b)  # made here: raised once, not stored anywhere else
        raise exc
    return int(size_b)


def connect(hosts, connect_one):
    last_exc = None
    for host in hosts:
        try:
            return connect_one(host)
        except OSError as e:
            last_exc = e
    raise last_exc


class Job:
    def run(self):
        try:
            self.work()
        except Exception as e:
            self.error = e


def join(backend, task_ids):
    for meta in backend.iter_native(task_ids):
        value = meta["result"]  # decoded for this call: no holder keeps it
        if meta["status"] == "FAILURE":
            raise value
