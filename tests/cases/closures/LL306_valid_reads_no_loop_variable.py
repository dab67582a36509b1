def handlers(names, registry, prefix):
    for name in names:
        registry.append(lambda event: print(prefix, event))
# case: {"id": "reads-no-loop-variable"}
