"""Registries and weak references, as data: the process-wide registries that keep what is
registered with them until the process exits, the factories that make a weak reference and the
containers that hold their entries weakly (an object kept only there can be collected).

Read by the registration (LL2xx), closure (LL3xx) and request-state rules; the process-wide
registries (`atexit`, `signal`, tracing hooks, ...) by LL202 and LL301. `_weakrefset.WeakSet`
is the class `weakref.WeakSet` re-exports (the standard library imports it from there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

WEAK_CONTAINERS = frozenset(
    {
        "weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary",
        "_weakrefset.WeakSet",
    }
)
WEAKREF_FACTORIES = frozenset(
    {
        "weakref.ref", "weakref.proxy", "weakref.WeakMethod", "weakref.finalize",
        "_weakref.ref", "_weakref.proxy",
    }
) | WEAK_CONTAINERS


@dataclass(frozen=True)
class ProcessRegistry:
    """A registry that lives for the whole process: what is registered stays until the
    process exits or `removal` takes it out.

    `slot`: one process-wide slot (`signal.signal`, `sys.settrace`), replaced by the next call,
    so it holds one callback, not one per call. `callbacks`: where the call takes what it keeps:
    positional indexes, keyword names, or "*" for every argument (`atexit.register(func, *args,
    **kwargs)` keeps the arguments as well as the function). `removal`: the function that undoes
    a registration, when there is one.
    """

    slot: bool
    callbacks: Tuple[Union[int, str], ...]
    removal: Optional[str] = None


# Read by LL202 (an instance pinned by a process-wide registry) and LL301 (a closure kept
# by one).
PROCESS_REGISTRIES: Dict[str, ProcessRegistry] = {
    "atexit.register": ProcessRegistry(False, ("*",), "atexit.unregister"),
    "os.register_at_fork": ProcessRegistry(False, ("before", "after_in_child", "after_in_parent")),
    "multiprocessing.util.register_after_fork": ProcessRegistry(False, (0, "obj", 1, "func")),
    "sys.addaudithook": ProcessRegistry(False, (0, "hook")),
    "codecs.register": ProcessRegistry(False, (0, "search_function"), "codecs.unregister"),
    "gc.callbacks.append": ProcessRegistry(False, (0,), "gc.callbacks.remove"),
    "codecs.register_error": ProcessRegistry(True, (1, "error_handler")),
    "copyreg.pickle": ProcessRegistry(True, (1, "function", 2, "constructor_ob")),
    "signal.signal": ProcessRegistry(True, (1, "handler")),
    "sys.settrace": ProcessRegistry(True, (0, "function")),
    "sys.setprofile": ProcessRegistry(True, (0, "function")),
    "threading.settrace": ProcessRegistry(True, (0, "func")),
    "threading.setprofile": ProcessRegistry(True, (0, "func")),
    "threading.settrace_all_threads": ProcessRegistry(True, (0, "func")),
    "threading.setprofile_all_threads": ProcessRegistry(True, (0, "func")),
    "sys.set_asyncgen_hooks": ProcessRegistry(True, (0, "firstiter", 1, "finalizer")),
}


# Listener registries (LL202): registration / removal method pairs (the `pairs` option's
# default), callback sets held in an attribute, and the names that tell a callback or a
# registering method.
DEFAULT_PAIRS: Tuple[Tuple[str, str], ...] = (
    ("connect", "disconnect"),
    ("subscribe", "unsubscribe"),
    ("add_listener", "remove_listener"),
    ("addListener", "removeListener"),
    ("on", "off"),
    ("add_callback", "remove_callback"),
    ("add_done_callback", "remove_done_callback"),
    ("add_observer", "remove_observer"),
    ("register", "unregister"),
    ("bind", "unbind"),
    ("add_handler", "remove_handler"),
    ("add_event_handler", "remove_event_handler"),
    ("add_signal_handler", "remove_signal_handler"),
    ("add_reader", "remove_reader"),
    ("add_writer", "remove_writer"),
)

# An attribute holding a set / list of callbacks: `.add` / `.append` register, `.discard` /
# `.remove` unregister.
CALLBACK_SET = re.compile(r"^_*(on_\w+|\w*callbacks|\w*listeners|\w*handlers|\w*observers|\w*subscribers|\w*hooks)$")
CALLBACK_SET_ADD = {"add": ("discard", "remove"), "append": ("remove",), "insert": ("remove",)}

WEAK_SIGNAL_MODULES = ("blinker", "django", "flask")
ONE_SHOT_REGISTRATIONS = frozenset({"add_done_callback"})
# generic verbs: `blueprint.register(self)`, `task.bind(app)` hand an object over, they do not
# subscribe it; only a callback (bound method, closure) counts for these
GENERIC_REGISTRATIONS = frozenset({"register", "bind", "connect"})
# a method that exists to register the object (`def register(self, emitter)`): the caller of
# that method decides when, and how often, the object is registered
REGISTRATION_METHOD = re.compile(
    r"^_*(register|install|attach|connect|subscribe|bind|hook|enable|activate|set_?up|listen|observe|add_(listener|handler|callback|observer))",
    re.IGNORECASE,
)
# keyword arguments that carry a callback (`factory=`, `timeout=` do not)
CALLBACK_KEYWORD = re.compile(r"callback|handler|listener|func|^fn$|receiver|slot|hook|^cb$|target|observer|subscriber|action|command")
