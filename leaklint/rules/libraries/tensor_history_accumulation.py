from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Set, Tuple

import libcst as cst

from ...analysis.expr import dotted_name
from ...matchers import positional
from ...rule import Rule
from ...types import Confidence, Invalid, Valid
from ...traverse import children

LIBRARIES = ("torch", "lightning", "pytorch_lightning", "accelerate")
# calls that turn a tensor into a value without history (or a tensor without a graph)
SAFE_METHODS = frozenset({"item", "tolist", "detach", "detach_", "numpy", "data"})
SAFE_FUNCTIONS = frozenset({"float", "int", "bool", "round", "str", "repr", "format"})
NO_GRAD = frozenset({"torch.no_grad", "torch.inference_mode", "torch.autograd.no_grad", "torch.autograd.grad_mode.no_grad"})
BACKWARD_METHODS = frozenset({"backward", "manual_backward"})
STORE_METHODS = frozenset({"append", "extend", "insert", "appendleft"})


@dataclass
class _Loop:
    node: cst.CSTNode
    backward: Set[str] = field(default_factory=set)
    from_call: Set[str] = field(default_factory=set)
    reset: Set[str] = field(default_factory=set)
    # (statement, target text, accumulated name, kind "+=" / "append", under no_grad)
    accumulations: List[Tuple[cst.CSTNode, str, str, str, bool]] = field(default_factory=list)


def _unsafe_names(expr: cst.CSTNode) -> Set[str]:
    """Names read in `expr` outside `.item()`, `.detach()`, `float(...)` and the like."""
    out: Set[str] = set()
    stack: List[cst.CSTNode] = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            out.add(current.value)
            continue
        if isinstance(current, cst.Attribute):
            if current.attr.value in SAFE_METHODS:
                continue
            stack.append(current.value)
            continue
        if isinstance(current, cst.Call):
            if isinstance(current.func, cst.Name) and current.func.value in SAFE_FUNCTIONS:
                continue
            if isinstance(current.func, cst.Attribute) and current.func.attr.value in SAFE_METHODS:
                continue
            stack.append(current.func)
            stack.extend(arg.value for arg in current.args)
            continue
        if isinstance(current, (cst.Lambda, cst.SimpleString, cst.FormattedString)):
            continue
        stack.extend(children(current))
    return out


def _loss_like(name: str) -> bool:
    return "loss" in name.lower()


class TensorHistoryAccumulation(Rule):
    """
    ## What it does
    Checks for loops that accumulate a tensor that `backward()` is called on in the same loop
    (`total += loss`, `total = total + loss`, `losses.append(loss)`) without `.item()`,
    `.detach()`, `float(...)` or `torch.no_grad()`. Only in files that import torch (or
    Lightning / Accelerate).

    ## Why is this bad?
    A tensor that requires grad carries its autograd history: `loss.grad_fn` references the
    graph of operations that produced it. `total += loss` makes `total` a new tensor whose
    history includes the previous `total` and this step's `loss`, so after N steps `total`
    keeps N graphs alive; `losses.append(loss)` keeps every step's tensor and graph in the
    list. `backward()` frees the buffers it used, but not the graph nodes, and anything not yet
    released (a graph accumulated before `backward()`, or built with `retain_graph=True`) stays
    as well. Memory grows with every step until the loop (or, for a list kept across epochs,
    the process) ends: PyTorch's FAQ names this as the classic cause of running out of memory in
    a training loop.

    ## Known problems
    Only names that `backward()` (or `manual_backward()` / `accelerator.backward()`) is called
    on in the same loop are followed, and only when they are assigned from a call or named like
    a loss. Accumulating on purpose to call `backward()` once on the sum (`loss = loss + l`
    followed by `loss.backward()` after the loop) is not reported, since `backward()` is then
    called on the sum, not the parts.

    ## Fix safety
    There is no automatic fix. Accumulate `loss.item()` (a Python float) for logging, or
    `loss.detach()` to keep a tensor without history.

    ## References
    - [PyTorch FAQ: My model reports "cuda runtime error(2): out of memory"](https://pytorch.org/docs/stable/notes/faq.html#my-model-reports-cuda-runtime-error-2-out-of-memory)
    - [torch.Tensor.item](https://pytorch.org/docs/stable/generated/torch.Tensor.item.html)
    - [torch.Tensor.detach](https://pytorch.org/docs/stable/generated/torch.Tensor.detach.html)
    """

    code = "LL602"
    name = "tensor-history-accumulation"
    message = "{target} accumulates {name}, a tensor that backward() is called on in this loop, so every iteration keeps that step's autograd graph alive"
    confidence = Confidence.HIGH
    triggers = ("torch", "lightning", "accelerate")
    fix_title = "Accumulate loss.item() (or loss.detach()) instead of the tensor"

    VALID = [
        Valid(
            """
            import torch

            def train(model, loader, opt, criterion):
                total = 0.0
                losses = []
                for x, y in loader:
                    loss = criterion(model(x), y)
                    loss.backward()
                    opt.step()
                    total += loss.item()
                    losses.append(loss.detach())
                    total = total + float(loss)
                return total, losses
            """,
            id="item-detach-float",
        ),
        Valid(
            """
            import torch

            def train(model, loader, opt, criterion):
                running = 0.0
                for x, y in loader:
                    loss = criterion(model(x), y)
                    loss.backward()
                    with torch.no_grad():
                        running += loss
                return running
            """,
            id="no-grad",
        ),
        Valid(
            """
            import torch

            def train(model, batches, opt, heads, criterion):
                for x, y in batches:
                    loss = 0
                    for head in heads:
                        loss += criterion(head(model(x)), y)
                    loss.backward()
                    opt.step()
            """,
            id="sum-of-parts-then-backward",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import torch

            def train(model, loader, opt, criterion):
                total_loss = 0
                history = []
                for x, y in loader:
                    opt.zero_grad()
                    loss = criterion(model(x), y)
                    loss.backward()
                    opt.step()
                    total_loss += loss  # LL602
                    history.append(loss)  # LL602
                return total_loss
            """,
            id="plus-equals-and-append",
        ),
        Invalid(
            """
            import torch.nn.functional as F

            class Trainer:
                def fit(self, batches):
                    for step, (x, y) in enumerate(batches):
                        out = self.model(x)
                        loss = F.cross_entropy(out, y) / 4
                        self.scaler.scale(loss).backward()
                        self.running = self.running + loss * x.size(0)  # LL602
            """,
            id="scaled-loss-assignment-form",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # innermost last; None marks a function boundary
        self._loops: List[Optional[_Loop]] = []
        self._no_grad: List[int] = [0]
        self._enabled: Optional[bool] = None

    def _on(self) -> bool:
        if self._enabled is None:
            self._enabled = self.context.imports_module(*LIBRARIES)
        return self._enabled

    def _current(self) -> List[_Loop]:
        """Loops of the current function, innermost last."""
        out: List[_Loop] = []
        for loop in reversed(self._loops):
            if loop is None:
                break
            out.append(loop)
        return list(reversed(out))

    # ------------------------------------------------------------------ structure
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._loops.append(None)
        self._no_grad.append(0)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._loops.pop()
        self._no_grad.pop()

    def visit_For(self, node: cst.For) -> None:
        self._loops.append(_Loop(node))

    def leave_For(self, node: cst.For) -> None:
        self._finish()

    def visit_While(self, node: cst.While) -> None:
        self._loops.append(_Loop(node))

    def leave_While(self, node: cst.While) -> None:
        self._finish()

    def visit_With(self, node: cst.With) -> None:
        if any(self._is_no_grad(item.item) for item in node.items):
            self._no_grad[-1] += 1

    def leave_With(self, node: cst.With) -> None:
        if any(self._is_no_grad(item.item) for item in node.items):
            self._no_grad[-1] -= 1

    def _is_no_grad(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            expr = expr.func
        return self.context.qualified_name(expr) in NO_GRAD

    # ------------------------------------------------------------------ facts
    def visit_Call(self, node: cst.Call) -> None:
        loops = self._current()
        if not loops or not isinstance(node.func, cst.Attribute):
            return
        method = node.func.attr.value
        if method in BACKWARD_METHODS:
            names: Set[str] = set()
            if method == "backward":
                names |= _unsafe_names(node.func.value)
            for arg in positional(node)[:1]:
                names |= _unsafe_names(arg)
            for loop in loops:
                loop.backward |= names
            return
        if method in STORE_METHODS:
            args = positional(node)
            if not args:
                return
            value = args[-1] if method == "insert" else args[0]
            target = dotted_name(node.func.value)
            if target:
                self._accumulate(node, target, value, "append")

    def visit_Assign(self, node: cst.Assign) -> None:
        loops = self._current()
        if not loops:
            return
        for target in node.targets:
            text = dotted_name(target.target)
            value = node.value
            if text and isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
                if dotted_name(value.left) == text:
                    self._accumulate(node, text, value.right, "+=")
                    continue
                if dotted_name(value.right) == text:
                    self._accumulate(node, text, value.left, "+=")
                    continue
            if text:
                loops[-1].reset.add(text)
            if isinstance(target.target, cst.Name) and isinstance(value, (cst.Call, cst.BinaryOperation, cst.Attribute)):
                loops[-1].from_call.add(target.target.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if not self._current() or not isinstance(node.operator, cst.AddAssign):
            return
        text = dotted_name(node.target)
        if text:
            self._accumulate(node, text, node.value, "+=")

    def _accumulate(self, node: cst.CSTNode, target: str, value: cst.BaseExpression, kind: str) -> None:
        loops = self._current()
        for name in sorted(_unsafe_names(value)):
            loops[-1].accumulations.append((node, target, name, kind, self._no_grad[-1] > 0))

    def _finish(self) -> None:
        loop = self._loops.pop()
        assert loop is not None
        if not self._on():
            return
        reported: Set[int] = set()
        for node, target, name, kind, no_grad in loop.accumulations:
            if id(node) in reported or name not in loop.backward or name == target:
                continue
            if not (name in loop.from_call or _loss_like(name)):
                continue
            if target in loop.reset:
                continue
            if kind == "+=" and no_grad:
                continue
            reported.add(id(node))
            self.report(node, target=target, name=name)
