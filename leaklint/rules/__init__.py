"""Built-in rules: one rule class per module, the module named after the rule."""
