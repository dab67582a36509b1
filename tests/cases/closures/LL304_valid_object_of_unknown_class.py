def configure(formatter):
    formatter.pprint = not formatter.pprint
    formatter.render = formatter.render_fast
# case: {"id": "object-of-unknown-class"}
