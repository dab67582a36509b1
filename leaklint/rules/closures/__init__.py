"""LL3xx: closures, bound methods, exceptions and frames that keep their scope alive."""
