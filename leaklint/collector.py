"""The cyclic garbage collector, paused while one file is analysed.

Parsing a file allocates hundreds of thousands of small objects (libcst nodes, CPython `ast`
nodes), almost none of them in reference cycles, and all of them freed by reference counting
when the file is done. Each allocation burst keeps tripping the collector's generation-0
threshold, and every collection traverses the young objects that are still alive: about a tenth
of leaklint's time per file went to collections that found nothing to free. mypy raises the
collector's thresholds for the same reason.

`paused()` turns the collector off for the analysis of one file and restores the state it
found (a caller that had turned it off keeps it off). Nothing is lost: the cycles one file's
analysis makes (a scope and its bindings refer to each other) are collected by the next
collection after the pause, whose allocation count the pause does not reset. The pause is
bounded by one file, so a long run's memory does not grow with it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
