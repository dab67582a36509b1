def add_tag(tag, tags=[]):  # LL104
    tags.append(tag)
    return tags
