"""leaklint: find memory- and resource-leak-prone patterns in Python code."""

__version__ = "0.1.0"

from .types import Confidence, Finding, Invalid, Valid  # noqa: E402

__all__ = ["__version__", "Confidence", "Finding", "Invalid", "Valid", "lint_source"]


def lint_source(source, path="<stdin>", config=None, **kwargs):  # type: ignore[no-untyped-def]
    """See leaklint.engine.lint_source (imported lazily: the package import stays cheap)."""
    from .engine import lint_source as _lint

    return _lint(source, path, config, **kwargs)
