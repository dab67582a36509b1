"""analysis.borrow: which parameters a function only reads, and what a class keeps unclosed."""

from __future__ import annotations

import textwrap

import libcst as cst

from leaklint.analysis.borrow import Borrowers, borrowed_params


def _function(source: str) -> cst.FunctionDef:
    module = cst.parse_module(textwrap.dedent(source))
    node = module.body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


def test_reads_only_are_borrowed() -> None:
    func = _function(
        """
        def load(self, file, image, n=1):
            if file.readline() != b"x":
                raise SyntaxError("bad")
            for line in file:
                print(len(file), file.name, line)
            file.mode = "r"
            return image.read(n)
        """
    )
    # `n` is handed to a call, which might keep it
    assert borrowed_params(func) == frozenset({"self", "file", "image"})


def test_any_way_out_is_not_borrowed() -> None:
    func = _function(
        """
        def keep(a, b, c, d, e, f, g, h):
            return a
            yield b
            store.append(c)
            d.close()
            x = e
            register(f.close)
            lambda: g
            h = None
        """
    )
    assert borrowed_params(func) == frozenset()


def test_calls_are_resolved_within_the_module() -> None:
    module = cst.parse_module(
        textwrap.dedent(
            """
            def reader(fp):
                return fp.read()

            def keeper(fp):
                return fp

            class Font:
                def load(self, fp):
                    return self._data(fp), reader(fp), keeper(fp), other(fp)

                def _data(self, file):
                    return file.readline()
            """
        )
    )
    borrowers = Borrowers()
    borrowers.add_module(module)
    font = module.body[2]
    assert isinstance(font, cst.ClassDef)
    load = font.body.body[0]
    assert isinstance(load, cst.FunctionDef)
    ret = load.body.body[0].body[0]
    assert isinstance(ret, cst.Return) and isinstance(ret.value, cst.Tuple)
    calls = [e.value for e in ret.value.elements]
    verdicts = [borrowers.borrows(c, c.args[0], "self", font) for c in calls if isinstance(c, cst.Call)]
    assert verdicts == [True, True, False, False]


def test_a_class_that_keeps_its_argument() -> None:
    module = cst.parse_module(
        textwrap.dedent(
            """
            class Analyzer:
                def __init__(self, source, name):
                    self.source = source
                    self.code = source.read()

            class Wrapped:
                def __init__(self, source):
                    self.source = wrap(source)

            x = Analyzer(fh, "n")
            y = Wrapped(fh)
            """
        )
    )
    borrowers = Borrowers()
    borrowers.add_module(module)
    calls = [s.body[0].value for s in module.body[2:]]
    analyzer = borrowers.constructed_class(calls[0], None, None)
    wrapped = borrowers.constructed_class(calls[1], None, None)
    assert analyzer is module.body[0] and wrapped is module.body[1]
    assert borrowers.kept_attributes(analyzer, calls[0], calls[0].args[0]) == frozenset({"source"})
    assert borrowers.kept_attributes(wrapped, calls[1], calls[1].args[0]) == frozenset()
