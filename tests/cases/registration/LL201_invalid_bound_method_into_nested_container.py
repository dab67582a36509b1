import collections

class Listener:
    _by_topic = collections.defaultdict(list)

    def subscribe(self, topic):
        self._by_topic[topic].append(self.on_message)  # LL201

    def on_message(self, msg):
        pass
# case: {"id": "bound-method-into-nested-container", "message_contains": "bound method on_message"}
