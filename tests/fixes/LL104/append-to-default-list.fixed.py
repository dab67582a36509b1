def add_tag(tag, tags=None):  # LL104
    if tags is None:
        tags = []
    tags.append(tag)
    return tags
