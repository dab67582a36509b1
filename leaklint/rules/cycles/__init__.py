"""LL5xx: reference cycles, finalizers and weak references that do not hold."""
