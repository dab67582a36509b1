"""The analysis layer: what leaklint knows about one file, computed once, queried by every rule.

The engine (`leaklint.engine.lint_source`) parses a file once and runs one batched traversal.
In it, before any rule sees a node, the scope visitor and the declared facts have seen it; so
inside any `visit_*` a rule asks questions about "here, and everything before here", and in
`leave_Module` about the whole file.

Facts, who computes them, and how a rule asks
---------------------------------------------

`scopes` -- always computed, by the engine's scope visitor (`Context`, `self.context` in a rule):
    - the current `Scope` (module, class, function, lambda), its `qualname`, loop depth;
    - every binding **with what it binds** (`Binding`: kind, the value expression, the node,
      the clock `seq`, the binding it replaced): `ctx.binding(name)`, `scope.history(name)`;
    - the one name resolution, `resolve(name, at, before=, class_body=)` (class bodies are
      invisible to their functions, `global` / `nonlocal` honoured), and the queries on it:
      `binding_scope`, `function_binding_scope`, `resolves_to_module`, `is_function_local`,
      `is_module_variable`;
    - qualified names through imports and aliases: `ctx.qualified_name(expr)`,
      `ctx.call_name(call)` (`open` -> "builtins.open", `ft.lru_cache` -> "functools.lru_cache"),
      `ctx.imports_module(...)`.

`expr` -- plain functions on expressions, no state: `root_name`, `dotted_name`,
    `base_and_first_attribute`, `receiver_key`, `call_arg` / `keyword_map` / `positional` /
    `call_method`, parameter helpers, literal values (`is_constant`, `string_value` ...),
    `short_text` / `describe_container` for messages.

`body` -- searches of one statement or function body, nested definitions left out:
    `calls_under`, `inner_blocks`, `node_by_id` (flow frames name nodes by id),
    `assigned_names`, `names_bound_to` (names bound to given value nodes), `call_taking`
    (the call a value is an argument of), `attr_container_of` (`self.<attr>.append(name)`).

`classes` -- what a class's methods do with `self`'s attributes, asked of the whole class
    (the one class-level release classifier; the flow walker is the per-body one):
    `released_attrs(cls, callnames, keep=)` (closed, entered, returned, handed to an owner,
    moved into a container or another attribute; "*" when the class reaches its attributes
    dynamically), `module_family` (the classes of the module related by inheritance),
    `family_releases`, `outside_base_may_release` (a base from another module not known to
    leave attributes alone), `close_on_error_gap_in` (a close-on-error list closed only in a
    handler with a gap after its try), `self_names`, `defines`; and the declared fact
    `ModuleClasses` (the file's classes by name, and whether each has a base from another
    module that may release). LL401, LL404 and `borrow` read it.

`borrow` -- ownership across a call within the module: `Borrowers.borrows` (the callee only
    reads the argument), `Borrowers.lends` ("borrowed", "kept unclosed": a class of the module
    keeps it on `self` and never releases it, "kept cached": only an ordinary method releases
    it and the object goes into a process-lived cache), `callee_raises`. The flow walker asks
    it through its `borrows` hook (LL401).

`calls` -- the declared fact `CallNames` (id(Call) -> qualified name, resolved where the call
    stands), the input of the flow walker and of `classes`, for LL401 and LL403.

`facts` -- per-file facts a rule **declares** (`requires = (SomeFact,)` on the rule class) and
    reads with `self.fact(SomeFact)`. The engine makes one instance of each required fact per
    file, whichever rules are selected, and runs it in the same traversal before the rules.
    The facts today:
    - `rules.registration._common.ModuleFacts` (LL201, LL202): classes with their bases, methods,
      properties, class attributes and `self.x` writes with where their values come from;
      nested defs; identifier counts;
    - `rules.registration._stores.InstanceStores` (LL201): stores of an instance (or its
      bound method) into module- or class-level containers, the removals from them, what each
      container is defined as, the lookups that mark interning;
    - `rules.closures._common.ClosureNames` (LL301-LL306): which locals hold closures
      (`def cb`, `cb = lambda`, `cb = partial(...)`), how often each is bound, module-level
      calls of module-level functions;
    - `rules.closures._common.ContainerStorage` (LL301-LL304): module- and
      class-level containers and their kinds, containers shrunk / reset / unregistered
      anywhere, monkeypatched attributes and saved originals;
    - `rules.cycles._common.CycleSites` (LL501-LL503): classes (bases, methods, what
      `__init__` stores) and the sites where an object stores its own bound method or hands
      itself to an object it keeps;
    - `containers.ContainerUses` (LL101): the module's process-lived containers (module
      globals, attributes of module-level classes, with their kind: `container_kind`) and every
      use of them in functions, classified once (grow by method / item / inner / augmented
      assignment / heapq-style function, shrink, reset, `len()` guard, lookup, `self.x = ...`),
      each resolved by `key_of(use)` to the container it touches (through `global`, a class
      name, `self` / `cls` / `type(self)`, a local alias found in the bindings);
    - `import_time.ImportTime` (LL101): code that runs only while modules and classes are being
      defined, from the file alone: `runs_at_import(scope)` (`__init_subclass__`, a metaclass's
      `__new__`, a private module-level function only import-time code calls),
      `called_only_at_import(name)`, `decorator_shaped(def)`, `wrapper_decorator(def)`.
    - `rules.closures._frames.FrameValues` (LL302): what holds a frame-referencing value
      here (the exception being handled, `sys.exc_info()` and its parts, tracebacks,
      frames, the locals assigned one), each assignment's targets with the kind they
      receive, where a local is let go (rebound, `del`, `.clear()`), the open `except`
      blocks;
    - `rules.libraries._endless.EndlessLoops` (LL603): the functions that loop until stopped
      (`while True:` that cannot leave, `serve_forever`) and the instance methods whose loop
      runs until the object is told to stop.

`flow` -- the flow walker, run by a rule on one function body when it needs it
    (`FlowWalker(names, resources, callnames, self_name, methods).run(body)`): typed events
    (`EventKind`) in source order with the if / try / loop / with arms they sit in, each use
    of a tracked value classified once (`Escape`: RETURN, STORE, STORE_SELF, HANDOFF, WRAP,
    CONSUME, CAPTURE, USE), for a value given to a call the call and argument (`Event.call`,
    `Event.arg`), for a member read the attribute (`Event.member`), and the shared queries
    `group_by_name`, `exclusive` (alternative arms), `live_span` (the events a binding's value
    reaches, and what ends it), `protected` (released in a `finally` / handler that covers the
    path), `follows_at_once`, `finally_releases_after` (a finally that closes whichever value a
    re-bound name holds), `unguarded_failure` (a failing call, `sock.connect()`, whose error
    leaves the value open), `gathered_in_loop` (kept in a container across the iterations of a
    loop that raises), `close_on_error_gap`, `released_or_passed_on` (closed or passed on
    anywhere in the body). LL401, LL403 and LL404 use it.
    A rule that follows created values declares a `TrackedValue` spec (what releases each
    kind, which escapes end its interest, which calls own what they are given, whether
    members and names derived from the value count as the value) and asks
    `follow_each(spec, [(scope, call, kind)], callnames, self_name_of)`: one walk per
    function that creates any, the names each value is bound to read from the scope's
    bindings with their values, and per value a `Followed` (`released()`, `passed_on()`,
    `entered()`, `methods()`, its events). LL601 and LL603 are such specs.

Beside this package: `leaklint.policy` (test code, runs-once code, test doubles: one
definition each; `HeldFindings` holds a rule's findings to the end of the module and drops
those in code that runs once per process, by the `__main__` block or the lifetime model) and `leaklint.knowledge` (catalogues as data: resources, containers and
caches, process-wide and listener registries, weak references).

`project` -- the project pass, run once per run before any file is linted (by the runner, the
    flake8 plugin and the editor server): one small `FileSummary` per file of the project
    (definitions, imports, call and instantiation sites, container writes and removals,
    registrations and their undo calls), made from CPython's `ast` and cached by content hash,
    merged into one `ProjectIndex`. A rule reads it as `self.context.project` (None where no
    project could be had: rules then judge from the file alone) with `self.context.module`,
    this file's dotted module name.

`lifetime` -- the queries on the index: `multiplicity(function)` and `class_multiplicity(cls)`
    (ONCE / REPEATED / UNKNOWN), `holder_lifetime` (PROCESS / OBJECT / FRAME), `growth_driver`
    (INPUT / CODE / UNKNOWN), `is_resource_type`, `removed_anywhere`, `unregistered_anywhere`,
    `returns_resource(function)` / `super_returns_resource(cls, method)` (a project function
    that hands its caller a fresh resource: LL401's and LL402's factories).

`returns` -- what that last query is made of: `returned_calls` (run by the project pass on each
    function's `ast`: the calls whose fresh, unfinished result the function returns, nothing
    else keeping it) and `solve_returning` (to a fixed point, through helpers, inheritance and
    `super()`). Without a project index, `rules.resources._returned` indexes the file alone,
    only when the file has a function that could answer the call.

`values` -- objects versus values: `object_evidence(function)` names the parameters and locals
    the function's own code shows to be objects with a lifetime of their own (a non-value
    annotation, a callback parameter, a call of it or of a method no str / bytes / int / tuple
    has), each with why. LL101's default form reads it: a process-lived container that keeps
    such objects pins what its callers drop; one keyed by values holds one entry per value.
    Where a stored name comes from, read from the bindings (no rule re-records assignments for
    it): `derived_names(scope)` (local -> the names its assignments and loops read),
    `from_input(expr, scope)` (reads a parameter, or a local computed from one),
    `loop_targets(scope)`, `identity_locals(scope)` (`oid = id(obj)`).

Not yet on this layer (the rules still track these themselves): the closure family's storage
classification (`StorageTracker.storage_of`), LL603's small reading of what the module does with
an attribute holding a thread or loop, and the escape tracking inside several rules' own
`visit_Assign`. The resource family's class-level classifier (`released_attrs`, once in LL401)
is `classes`; LL403's own reading of the walker's events is `flow.released_or_passed_on`.
Two judgements of LL401 alone stay in its family as named facts: `rules/resources/_pipes.py`
(which Popen pipes a function leaves open) and `rules/resources/_init_raise.py` (a raise in
`__init__` after a resource was stored on `self`). Two container trackers remain beside
`containers.ContainerUses`: the closure family's `ContainerStorage` (containers shrunk / reset
anywhere, matched by receiver name, coarser than `key_of`) and LL104's uses of a mutable
default (references are parameters, not module containers); both could be answered from
`ContainerUses` extended to function-local references.
"""
