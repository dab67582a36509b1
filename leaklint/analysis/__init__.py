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
    `call_method`, parameter helpers, literal values, `short_text` / `describe_container` for
    messages.

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
    `exclusive` (alternative arms), `protected` (released in a `finally` / handler that
    covers the path), `follows_at_once`, `released_or_passed_on` (closed or passed on
    anywhere in the body). LL401, LL403 and LL404 use it.
    A rule that follows created values declares a `TrackedValue` spec (what releases each
    kind, which escapes end its interest, which calls own what they are given, whether
    members and names derived from the value count as the value) and asks
    `follow_each(spec, [(scope, call, kind)], callnames, self_name_of)`: one walk per
    function that creates any, the names each value is bound to read from the scope's
    bindings with their values, and per value a `Followed` (`released()`, `passed_on()`,
    `entered()`, `methods()`, its events). LL601 and LL603 are such specs.

Beside this package: `leaklint.policy` (test code, runs-once code, test doubles: one
definition each) and `leaklint.knowledge` (catalogues as data: resources, containers and
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
    (INPUT / CODE / UNKNOWN), `is_resource_type`, `removed_anywhere`, `unregistered_anywhere`.

`values` -- objects versus values: `object_evidence(function)` names the parameters and locals
    the function's own code shows to be objects with a lifetime of their own (a non-value
    annotation, a callback parameter, a call of it or of a method no str / bytes / int / tuple
    has), each with why. LL101's default form reads it: a process-lived container that keeps
    such objects pins what its callers drop; one keyed by values holds one entry per value.

Not yet on this layer (the rules still track these themselves): the resource family's two
other "what happens to this value" classifier (`released_attrs` in LL401, over a class's
methods; LL603 keeps a smaller one of its own, what the module does with an attribute
holding a thread or loop), the closure family's storage classification
(`StorageTracker.storage_of`), and the escape tracking inside several rules' own
`visit_Assign`.
"""
