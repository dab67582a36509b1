"""What leaklint knows about libraries, as data (no code that walks a tree lives here).

- `resources`: calls that return something that must be released, and how it is released;
  calls that take a resource over (`contextlib.closing`, `ExitStack.enter_context`) or only
  read it (`json.load`).
- `containers`: container constructors, the methods that grow and shrink them, the cache
  decorators and their bounds.
- `registries`: the process-wide registries (`atexit.register`, `signal.signal`, tracing
  hooks: what they keep, whether one slot, how to undo), read by LL202 and LL301; weak-reference
  factories and the containers that hold entries weakly.

Not moved yet (still beside their rules): the container tables of LL301-LL305
(`rules.closures._common.CONTAINER_CALLS`) and LL205 (`self_registering_instance.STRONG_CONTAINERS`), which
are narrower than `containers.CONSTRUCTORS`; merging them changes what those rules report.

Rules import the tables they need; a table changes here, with a case that shows why.
"""
