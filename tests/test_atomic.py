"""Outputs are written atomically and never over an existing one; an interrupted or killed run
leaves nothing behind (its partials are removed now, or by the next run); an output that cannot
be written is refused before any long work starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.atomic import atomic_output, check_writable, clean_stale, temp_dir
from planner.errors import InputError
from tests.helpers import run_planner as run


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".partial-" in p.name]


def test_a_file_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out.csv"
    with atomic_output(target) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".csv"
        partial.write_text("a,b\n", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_interrupted_writer_leaves_nothing(tmp_path, error):
    with pytest.raises(error), atomic_output(tmp_path / "plan", folder=True) as partial:
        (partial / "visits.csv").write_text("half", encoding="utf-8")
        raise error
    assert list(tmp_path.iterdir()) == []


def test_an_existing_output_is_refused_and_kept(tmp_path):
    kept = tmp_path / "keep.csv"
    kept.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="never overwritten"), atomic_output(kept) as partial:
        partial.write_text("new", encoding="utf-8")
    assert kept.read_text(encoding="utf-8") == "keep"
    full = tmp_path / "full"
    (full / "x").mkdir(parents=True)
    with pytest.raises(InputError, match="never overwritten"), atomic_output(full, folder=True):
        pass
    empty = tmp_path / "empty"
    empty.mkdir()
    with atomic_output(empty, folder=True) as partial:
        (partial / "a.txt").write_text("a", encoding="utf-8")
    assert (empty / "a.txt").is_file()
    assert leftovers(tmp_path) == []


def test_partials_of_dead_runs_are_cleaned_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".q1.partial-{dead_pid()}"
    (dead / "calendars").mkdir(parents=True)
    dead_file = tmp_path / f".report.html.partial-{dead_pid()}.html"
    dead_file.write_text("half", encoding="utf-8")
    live = tmp_path / f".q2.partial-{os.getppid()}"
    live.mkdir()
    mine = tmp_path / "mine.txt"
    mine.write_text("a user's file named .partial- stays", encoding="utf-8")
    assert sorted(p.name for p in clean_stale(tmp_path)) == sorted([dead.name, dead_file.name])
    assert live.is_dir() and mine.is_file()


def test_a_temporary_folder_of_a_dead_run_is_cleaned():
    stale = Path(tempfile.gettempdir()) / f"dudao-report-{dead_pid()}-x1"
    stale.mkdir()
    with temp_dir("dudao-report-") as tmp:
        assert Path(tmp).name.startswith(f"dudao-report-{os.getpid()}-")
        assert not stale.exists()
    assert not Path(tmp).exists()


def test_the_next_plan_cleans_what_a_killed_plan_left(tmp_path):
    stale = tmp_path / f".q1.partial-{dead_pid()}"
    stale.mkdir()
    (stale / "visits.csv").write_text("half", encoding="utf-8")
    done = run("plan", "--out", str(tmp_path / "q1"), "--no-report")
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and (tmp_path / "q1" / "summary.json").is_file()


def test_an_interrupted_plan_removes_its_partial_folder(tmp_path):
    # Ctrl-C while the workbook is being written, after the solve
    prelude = """
        from planner import exports
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt
        exports.write_calendars = interrupted
    """
    done = run("plan", "--out", str(tmp_path / "q1"), "--no-report", prelude=prelude)
    assert done.returncode == 1 and "Interrupted; nothing was written." in done.stderr
    assert list(tmp_path.iterdir()) == []


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 256 KiB file system of its own (root only: a tmpfs mount)."""
    where = tmp_path / "disk"
    where.mkdir()
    if (
        not can_mount()
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)]).returncode
    ):
        pytest.skip("needs root to mount a small file system")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def read_only(tmp_path) -> Iterator[Path]:
    where = tmp_path / "ro"
    where.mkdir()
    if os.geteuid() != 0:
        where.chmod(0o555)
        yield where
        where.chmod(0o755)
        return
    if (
        not can_mount()
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(where)]).returncode
    ):
        pytest.skip("root ignores permissions; needs a read-only mount")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


# the solve must not start when the output cannot be written: make it fail loudly if it does
NO_SOLVE = """
    import planner.cli
    def solve_attempted(*args, **kwargs):
        raise SystemExit("the plan was solved before the output was checked")
    planner.cli.plan = solve_attempted
"""


def test_a_read_only_out_fails_before_the_solve(read_only):
    out = read_only / "q1"
    done = run("plan", "--out", str(out), "--no-report", prelude=NO_SOLVE)
    assert done.returncode == 2, done.stderr
    assert "cannot be written" in done.stderr and "--out" in done.stderr
    assert not out.exists()
    with pytest.raises(InputError, match="cannot be written"):
        check_writable(read_only / "deeper" / "q1")


def test_a_full_disk_fails_before_the_solve(small_disk):
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    done = run("plan", "--out", str(small_disk / "q1"), "--no-report", prelude=NO_SOLVE)
    assert done.returncode == 2, done.stderr
    assert "cannot be written" in done.stderr
    assert not (small_disk / "q1").exists() and leftovers(small_disk) == []


def test_a_small_disk_is_refused_before_the_solve(small_disk):
    with pytest.raises(InputError, match="KB free"):
        check_writable(small_disk / "q1")
