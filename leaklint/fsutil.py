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
