"""What leaklint knows about libraries, as data (no code that walks a tree lives here).

- `resources`: calls that return something that must be released, and how it is released;
  calls that take a resource over (`contextlib.closing`, `ExitStack.enter_context`) or only
  read it (`json.load`).
- `containers`: container constructors, the methods that grow and shrink them, the cache
  decorators and their bounds.
- `registries`: process-wide registries and their removal calls (`atexit.register` /
  `atexit.unregister`, `signal.signal`), weak-reference factories and containers.

Rules import the tables they need; a table changes here, with a case that shows why.
"""
