def find(rules, key):
    for rule in rules:
        if rule.matches(key):
            return lambda value: rule.apply(value)
    return None
# case: {"id": "returned-ends-the-loop"}
