import logging

class Connection:
    def __init__(self, sock):
        self.log = logging.getLogger("conn.%d" % sock.fileno())  # LL203
        self.child = self.log.getChild(str(id(self)))  # LL203
# case: {"id": "percent-fileno-and-getchild-id"}
