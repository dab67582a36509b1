"""Writing files without destroying anything: the one place leaklint writes a user's file
(`-o`, `--write-baseline`, `--fix`).

- `write_text_atomic(path, text, keep_mode=True)`: a regular file is replaced atomically (a
  temporary file in the same directory, renamed over it), so a reader sees the old or the new
  content, never half; the existing file's permission bits are kept (a new file gets the
  umask's default, not mkstemp's 0600). A symbolic link is followed: its target is written, the
  link stays a link. Anything that is not a regular file (a character device such as
  /dev/null or /dev/stdout, a FIFO, a socket) is written through, never replaced.
- `write_output(path, text)`: the same, for output: `-o /dev/null` as root in a container
  writes into the device and leaves it in place.

Every failure is a `WriteError` with one line to show (missing directory, a directory, no
permission ...); no temporary file is left behind, also when the write is interrupted.
Text is written as UTF-8; file names that are not UTF-8 (lone surrogates from
`os.fsdecode`) are written back as their original bytes.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import Optional

ENCODING = "utf-8"
ERRORS = "surrogateescape"


class WriteError(Exception):
    """A file could not be written; str() is one line naming the file and the reason."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def write_text_atomic(path: str, text: str, *, keep_mode: bool = True) -> None:
    """Write `text` to `path` without ever leaving it half-written or replacing what is not a
    regular file. Raises WriteError."""
    write_bytes_atomic(path, encode(text), keep_mode=keep_mode)


def write_bytes_atomic(path: str, data: bytes, *, keep_mode: bool = True) -> None:
    shown = os.fsdecode(path)
    target = os.path.realpath(path)  # a symlink (or a chain of them): write its target
    try:
        st: Optional[os.stat_result] = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WriteError(f"cannot write {shown}: is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_through(target, data, shown)
        return
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        raise WriteError(f"cannot write {shown}: directory {os.fsdecode(directory)} does not exist")
    tmp: Optional[str] = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if st is not None and keep_mode:
                mode = stat.S_IMODE(st.st_mode)
            else:
                mode = 0o666 & ~_umask()
            os.fchmod(fd, mode)
            if st is not None and keep_mode and os.geteuid() == 0:
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:
                    pass
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    finally:
        # also on KeyboardInterrupt / SystemExit: never leave the temporary file behind
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_through(target: str, data: bytes, shown: str) -> None:
    """A device, FIFO or socket: open it for writing and write, as a shell redirection does."""
    try:
        fd = os.open(target, os.O_WRONLY)
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def write_output(path: str, text: str) -> None:
    """`-o FILE`: findings to a file. Raises WriteError."""
    write_text_atomic(path, text, keep_mode=True)


__all__ = ["WriteError", "write_text_atomic", "write_bytes_atomic", "write_output", "encode"]


# ------------------------------------------------------------------------------ reading
# (no libcst here: the project pass reads every file of a project through this on a warm run)
class SourceError(Exception):
    """The file cannot be analysed; reported as LL000 at (line, column)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = max(1, line)
        self.column = max(1, column)


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: str, max_size: int = 0) -> bytes:
    """A regular file's bytes, at most `max_size` of them (0: no limit); every failure is a
    SourceError with a one-line reason. Nothing else is read: a FIFO named `x.py` would block
    forever, a link to /dev/zero would fill the memory. The file is opened without blocking
    and judged by what was opened (no window between a check and the open)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError("broken symbolic link") from None
        raise SourceError("file not found") from None
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceError("symbolic link loop") from None
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            try:
                os.listdir(path)
            except PermissionError:
                raise SourceError("directory cannot be read: permission denied") from None
            except OSError as exc:
                raise SourceError(f"directory cannot be read: {exc.strerror or exc}") from None
            raise SourceError("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(f"not a regular file ({_kind(st.st_mode)}); only regular files are read")
        if max_size and st.st_size > max_size:
            raise SourceError(f"file too large to analyze: {st.st_size} bytes (max-file-size is {max_size})")
        chunks = []
        total = 0
        limit = max_size or -1
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if max_size and total > limit:  # grew while being read
                raise SourceError(f"file too large to analyze: more than {max_size} bytes (max-file-size)")
        return b"".join(chunks)
    except PermissionError:
        raise SourceError("permission denied") from None
    except MemoryError:
        raise SourceError("file too large to read into memory") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
