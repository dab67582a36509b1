"""What leaklint knows about libraries, as data (no code that walks a tree lives here).

- `resources`: calls that return something that must be released, and how it is released;
  calls that take a resource over (`contextlib.closing`, `ExitStack.enter_context`) or only
  read it (`json.load`).
- `containers`: container constructors, the methods that grow and shrink them, the cache
  decorators and their bounds.
- `registries`: weak-reference factories and the containers that hold entries weakly.

Not moved yet (still beside their rules): the process-wide registry tables of LL202
(`listener_never_removed.GLOBAL_REGISTRIES`) and LL303 (`closure_escapes_...GLOBAL_REGISTRIES`),
which describe the same registries in two shapes, and the container tables of LL301-LL305
(`rules.closures._common.CONTAINER_CALLS`) and LL205 (`self_registering_instance.STRONG_CONTAINERS`), which
are narrower than `containers.CONSTRUCTORS`; merging them changes what those rules report.

Rules import the tables they need; a table changes here, with a case that shows why.
"""
