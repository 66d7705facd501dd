"""Writing outputs: atomically, never over an existing one, and nothing left behind.

Every writer (plan folder, report, comparison, record, sweep, simulate, generate) goes through
`atomic_output`: it yields a temporary path beside the target (`.NAME.partial-PID`), moves it
into place when the block succeeds, and removes it on any exception, Ctrl-C and (through the
command line's handler) SIGTERM included. A run killed outright leaves its partial behind; the
next run in the same folder removes partials whose process is gone (`clean_stale`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.errors import InputError, Problem

# refuse to start a long run on a disk with less room than this
MIN_FREE_BYTES = 8 * 1024 * 1024
_PARTIAL = re.compile(r"^\..+\.partial-(?P<pid>\d+)(?:\.[^.]*)?$")


def _problem(target: Path, message: str, flag: str | None) -> InputError:
    where = f"{flag} {target}" if flag else str(target)
    return InputError([Problem("command line" if flag else str(target), f"{where} {message}")])


def refuse_existing(target: Path, flag: str | None = None) -> None:
    """An output must be new: no file there, or an empty folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise _problem(
            target,
            "already exists and is not an empty folder; outputs are never overwritten.",
            flag,
        )


def check_writable(target: Path, flag: str | None = None, min_free: int = MIN_FREE_BYTES) -> None:
    """Before any long work: `target` is new and the folder that will hold it takes files."""
    target = Path(target)
    refuse_existing(target, flag)
    holder = target.parent.absolute()
    while not holder.exists() and holder != holder.parent:
        holder = holder.parent
    if not holder.is_dir():
        raise _problem(target, f"cannot be created: {holder} is not a folder.", flag)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".dudao-probe-{os.getpid()}-", dir=holder)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        why = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc)).lower()
        raise _problem(target, f"cannot be written ({why} in {holder}); nothing was done.", flag) from exc
    free = shutil.disk_usage(holder).free
    if free < min_free:
        raise _problem(
            target,
            f"cannot be written: the disk holding {holder} has only {free // 1024} KB free; "
            "nothing was done.",
            flag,
        )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def clean_stale(folder: Path) -> list[Path]:
    """Remove partial outputs in `folder` left by runs whose process is gone."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if not match or int(match["pid"]) == os.getpid() or pid_alive(int(match["pid"])):
            continue
        _remove(entry)
        removed.append(entry)
    return removed


def clean_stale_temp(prefix: str) -> list[Path]:
    """Remove `<tmp>/<prefix><pid>-*` folders of runs whose process is gone."""
    removed = []
    root = Path(tempfile.gettempdir())
    for entry in root.glob(f"{prefix}*"):
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            _remove(entry)
            removed.append(entry)
    return removed


def temp_dir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder named after this process, so a later run can clean it if we are killed."""
    clean_stale_temp(prefix)
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def atomic_output(
    target: Path, *, folder: bool = False, flag: str | None = None, replace: bool = False
) -> Iterator[Path]:
    """Yield a temporary path beside `target`; put it in place when the block succeeds.

    `folder`: the temporary path is a new empty folder (else a file path, same suffix).
    An existing target is refused (InputError) unless it is an empty folder, or `replace`
    (only `planner report`, which re-renders a plan's report in place). On any exception the
    temporary path is removed and the exception goes on.
    """
    target = Path(target)
    if not replace:
        refuse_existing(target, flag)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    suffix = "" if folder else target.suffix
    tmp = target.parent / f".{target.name}.partial-{os.getpid()}{suffix}"
    _remove(tmp)
    if folder:
        tmp.mkdir()
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp}")
        _commit(tmp, target, flag, replace)
    except BaseException:
        _remove(tmp)
        raise


def _commit(tmp: Path, target: Path, flag: str | None, replace: bool) -> None:
    if replace:
        os.replace(tmp, target)
        return
    if tmp.is_dir():
        refuse_existing(target, flag)
        if target.exists():
            target.rmdir()  # an empty folder the user made for this output
        tmp.rename(target)
        return
    try:
        os.link(tmp, target)  # fails if the target appeared meanwhile: never overwrites
    except FileExistsError as exc:
        raise _problem(target, "already exists; outputs are never overwritten.", flag) from exc
    except OSError:  # a file system without hard links
        refuse_existing(target, flag)
        tmp.rename(target)
        return
    tmp.unlink()
