"""LL1xx: containers, caches and defaults that only grow."""
