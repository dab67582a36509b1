class Connection:
    instances = []

    def __init__(self, host):
        self.host = host
        Connection.instances.append(self)  # LL101
# case: {"confidence": "high", "id": "every-instance-pins-itself", "options": {"all-forms": true}}
