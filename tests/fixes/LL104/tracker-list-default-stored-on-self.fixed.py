class SharedMemoryTracker:
    def __init__(self, name, segment_names=None):  # LL104
        if segment_names is None:
            segment_names = []
        self.name = name
        self.segment_names = segment_names

    def register_segment(self, segment_name):
        self.segment_names.append(segment_name)
