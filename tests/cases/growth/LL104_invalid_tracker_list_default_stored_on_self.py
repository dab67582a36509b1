class SharedMemoryTracker:
    def __init__(self, name, segment_names=[]):  # LL104
        self.name = name
        self.segment_names = segment_names

    def register_segment(self, segment_name):
        self.segment_names.append(segment_name)
# case: {"id": "tracker-list-default-stored-on-self"}
