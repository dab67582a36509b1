class SegmentTracker:
    def __init__(self, name, segment_names=[]):
        self.name = name
        self.segment_names = segment_names

    def register_segment(self, segment_name):
        self.segment_names.append(segment_name)

    def destroy_segment(self, segment_name):
        self.segment_names.remove(segment_name)

def memo(key, seen={}):
    seen[key] = True
    if len(seen) > 100:
        del seen[next(iter(seen))]
# case: {"id": "entries-removed-again-elsewhere"}
