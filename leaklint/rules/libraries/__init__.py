"""LL6xx: library-specific leaks (matplotlib, torch, threads and event loops, thread-locals)."""
