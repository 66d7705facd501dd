"""Run every hostile-input kind through the `planner` command and count the outcomes.

    .venv/bin/python -m tests.hostile.run [--only WORD]

Outcomes: rejected cleanly (exit 2 with the expected words; exit 3 for infeasible rules),
accepted correctly (exit 0 and the output checks out), crashed (exit 1 or a traceback),
hung (no answer within the case's time limit), silently accepted (exit 0 where it must refuse,
or a wrong output), wrongly rejected, unclear message (exit 2 without the expected words).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.hostile.cases import CASES, Case


def outcome(case: Case) -> tuple[str, str, float]:
    with tempfile.TemporaryDirectory(prefix="dudao-hostile-") as folder:
        tmp = Path(folder)
        try:
            args = case.build(tmp)
        except Exception as exc:  # a broken case is the runner's fault, not the planner's
            return "case error", f"{exc.__class__.__name__}: {exc}", 0.0
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, *case.python_flags, "-m", "planner.cli", *args],
                capture_output=True,
                text=True,
                timeout=case.timeout,
                cwd=tmp,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "hung", f"no answer in {case.timeout:g} s", case.timeout
        seconds = time.perf_counter() - started
        err = done.stderr.strip().splitlines()
        said = err[1] if len(err) > 1 else (err[0] if err else "")
        if done.returncode == 1 or "Traceback" in done.stderr or done.returncode not in (0, 2, 3):
            return "crashed", said, seconds
        if case.expect == "accept":
            if done.returncode != 0:
                return "wrongly rejected", said, seconds
            problem = case.check(tmp) if case.check else None
            return ("silently accepted", problem, seconds) if problem else ("accepted correctly", "", seconds)
        wanted = 3 if case.expect == "infeasible" else 2
        if done.returncode == 0:
            return "silently accepted", "exit 0", seconds
        if done.returncode != wanted:
            return "unclear message", f"exit {done.returncode}: {said}", seconds
        if not all(w in done.stderr for w in case.words):
            return "unclear message", said, seconds
        return "rejected cleanly", said, seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run the kinds whose name contains this")
    parser.add_argument("--skip", type=int, default=0, help="skip the first N kinds")
    args = parser.parse_args()
    cases = [c for c in CASES[args.skip :] if not args.only or args.only in c.kind]
    counts: Counter[str] = Counter()
    for case in cases:
        result, said, seconds = outcome(case)
        counts[result] += 1
        print(f"{result:20} {seconds:6.1f} s  [{case.item}] {case.kind}: {said[:150]}", flush=True)
    print()
    print(f"{len(cases)} kinds: " + ", ".join(f"{n} {k}" for k, n in counts.most_common()))
    bad = counts["crashed"] + counts["hung"] + counts["silently accepted"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
