"""What a user waits for: `planner plan` as a process, timed from the outside.

Run by `make bench` (or `python benchmarks/bench_cli.py --cases 1k 10k --repeat 5`); it prints
figures and asserts nothing. Each case is generated once with `planner generate`, then planned
`--repeat` times, each a fresh process, as a user runs it:

    planner plan --branches B --supervisors S --out DIR --no-report --timings T.json

(and without `--no-report` where `--report` lists the case). For every run: the wall time
(interpreter start to exit), the CPU time of the process and its workers (less noisy than the
wall on a shared machine), the peak memory (the largest single process, from wait4, and the whole
process tree with its workers as PSS, sampled every 250 ms), and the stage breakdown the command
writes with `--timings`. The floor is the part no planner can avoid — reading the inputs and
writing the CSVs — taken from the same run's timings; the wall time is printed as a multiple of it.
Figures are min / median / max over the runs; quote medians (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# name -> (branches, supervisors, counties); 1M is `planner generate --branches 1000000
# --supervisors 10000 --counties 1000`
CASES = {
    "1k": (1_000, 20, 1),
    "10k": (10_000, 60, 1),
    "100k": (100_000, 1_000, 100),
    "1M": (1_000_000, 10_000, 1_000),
}
# the sample county of the repository (data/: 600 branches, 16 supervisors, its scenario and its
# history) planned over its quarter, and over a 52-week year at the default gap (0.1 %)
SAMPLE_CASES = {"sample": 13, "year": 52}
ROOT = Path(__file__).resolve().parents[1]
FLOOR = ("read", "visits.csv", "branches.csv", "baseline_visits.csv")
PLANNER = [sys.executable, "-m", "planner.cli"]


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and its workers: less noisy when shared
    largest_mib: float  # the largest single process
    tree_mib: float  # parent and workers together (PSS), sampled
    stages: dict[str, dict[str, float]] = field(default_factory=dict)  # {"wall": .., "cpu": ..}


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    kids = [int(c) for c in text.split()]
    return kids + [g for k in kids for g in _children(k)]


def _pss_mib(pid: int) -> float:
    """Proportional set size: pages shared with forked workers are counted once in a sum."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def timed(cmd: list[str], log: Path) -> tuple[float, float, float, float, int]:
    """Run cmd; wall seconds, CPU seconds (with its workers), largest process MiB, process
    tree MiB, exit status."""
    peak = [0.0]
    done = threading.Event()
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while not done.is_set():
                total = sum(_pss_mib(p) for p in [proc.pid, *_children(proc.pid)])
                peak[0] = max(peak[0], total)
                done.wait(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, peak[0], proc.returncode


def generate(name: str, root: Path) -> Path:
    branches, supervisors, counties = CASES[name]
    folder = root / name
    if not (folder / "branches.csv").exists():
        subprocess.run(
            [
                *PLANNER,
                "generate",
                "--branches",
                str(branches),
                "--supervisors",
                str(supervisors),
                "--counties",
                str(counties),
                "--seed",
                "1",
                "--out",
                str(folder),
            ],
            check=True,
            capture_output=True,
        )
    return folder


def sample_case(name: str, root: Path) -> tuple[Path, list[str]]:
    """The sample county's folder and the arguments that give it its scenario and history."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "data" / "scenario.toml").read_text(encoding="utf-8")
    if SAMPLE_CASES[name] != 13:
        text = re.sub(r"(?m)^weeks = 13$", f"weeks = {SAMPLE_CASES[name]}", text)
        text = re.sub(r"(?m)^gap = .*$", "", text)  # the default gap
    scenario = folder / "scenario.toml"
    scenario.write_text(text, encoding="utf-8")
    return ROOT / "data", ["--scenario", str(scenario), "--history", str(ROOT / "data" / "history.csv")]


def plan_once(data: Path, work: Path, i: int, report: bool, extra: list[str]) -> Run:
    out, timings = work / f"plan-{i}", work / f"timings-{i}.json"
    cmd = [
        *PLANNER,
        "plan",
        "--branches",
        str(data / "branches.csv"),
        "--supervisors",
        str(data / "supervisors.csv"),
        "--out",
        str(out),
        "--timings",
        str(timings),
        *([] if report else ["--no-report"]),
        *extra,
    ]
    wall, cpu, largest, tree, code = timed(cmd, work / f"log-{i}.txt")
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{(work / f'log-{i}.txt').read_text()}")
    return Run(wall, cpu, largest, tree, json.loads(timings.read_text(encoding="utf-8")))


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def report_case(label: str, runs: list[Run], branches: int) -> dict[str, object]:
    """Print a case: totals, the floor and the ratio, peak memory, the stage breakdown."""
    walls, cpus = [r.wall for r in runs], [r.cpu for r in runs]
    wall_stages = [r.stages["wall"] for r in runs]
    cpu_stages = [r.stages["cpu"] for r in runs]
    floor_wall = [sum(s.get(k, 0.0) for k in FLOOR) for s in wall_stages]
    floor_cpu = [sum(s.get(k, 0.0) for k in FLOOR) for s in cpu_stages]
    med_wall, med_cpu = statistics.median(walls), statistics.median(cpus)
    tree = max(r.tree_mib for r in runs)
    print(
        f"\n{label}: {len(runs)} runs; wall min/median/max {spread(walls)} s; CPU {spread(cpus)} s; "
        f"peak memory {max(r.largest_mib for r in runs):.0f} MiB largest process, "
        f"{tree:.0f} MiB all processes"
    )
    fw, fc = statistics.median(floor_wall), statistics.median(floor_cpu)
    print(
        f"  floor (read + write the CSVs): wall {fw:.3f} s, CPU {fc:.3f} s; "
        f"command / floor = {med_wall / fw:.1f} (wall), {med_cpu / fc:.1f} (CPU)"
    )
    print(f"  per branch: {med_wall / branches * 1e6:.0f} µs wall, {tree * 1024 / branches:.2f} KiB")
    print(f"  {'stage':<46} {'wall s':>8} {'CPU s':>8}")
    in_wall = statistics.median(s.get("total in process", 0.0) for s in wall_stages)
    in_cpu = statistics.median(s.get("total in process", 0.0) for s in cpu_stages)
    print(f"  {'interpreter start, imports, exit':<46} {med_wall - in_wall:8.3f} {med_cpu - in_cpu:8.3f}")
    names = list(wall_stages[0])
    for name in names:
        w = statistics.median(s.get(name, 0.0) for s in wall_stages)
        c = statistics.median(s.get(name, 0.0) for s in cpu_stages)
        print(f"  {name:<46} {w:8.3f} {c:8.3f}")
    return {
        "case": label,
        "runs": len(runs),
        "wall_s": {"min": min(walls), "median": med_wall, "max": max(walls)},
        "cpu_s": {"min": min(cpus), "median": med_cpu, "max": max(cpus)},
        "floor_wall_s": statistics.median(floor_wall),
        "floor_cpu_s": statistics.median(floor_cpu),
        "largest_process_mib": max(r.largest_mib for r in runs),
        "all_processes_mib": tree,
        "stages_wall_s": {n: statistics.median(s.get(n, 0.0) for s in wall_stages) for n in names},
        "stages_cpu_s": {n: statistics.median(s.get(n, 0.0) for s in cpu_stages) for n in names},
    }


def app_resolve(data: Path, repeat: int) -> dict[str, object]:
    """The workbook's Solve: `plan(inputs, scenario)` in a warm process (what the app calls)."""
    code = f"""
import json, statistics, time
from planner import load_inputs, load_scenario, plan
scenario = load_scenario(None)
inputs = load_inputs({str(data / "branches.csv")!r}, {str(data / "supervisors.csv")!r},
                     horizon_weeks=scenario.horizon.weeks)
plan(inputs, scenario)
times, cpu = [], []
for _ in range({repeat}):
    started, cpu_started = time.perf_counter(), time.process_time()
    plan(inputs, scenario)
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - cpu_started)
print(json.dumps([times, cpu]))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    times, cpu = json.loads(out.stdout.strip().splitlines()[-1])
    label = "a re-solve in the app (plan() in a warm process), min/median/max"
    print(f"\n{data.name}: {label} wall {spread(times, '{:.3f}')} s, CPU {spread(cpu, '{:.3f}')} s")
    return {"case": f"{data.name} app re-solve", "wall_s": times, "cpu_s": cpu}


def compile_package() -> None:
    """Byte-compile the package first, as installing it does (pip compiles a wheel's modules):
    with PYTHONDONTWRITEBYTECODE set, or after an edit of a checkout, every run would otherwise
    compile the planner's modules again (measured: 0.4 s of CPU at each start)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "planner")], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--cases", nargs="*", default=["sample", "year", "1k", "10k", "100k"], choices=[*SAMPLE_CASES, *CASES]
    )
    ap.add_argument("--report", nargs="*", default=["1k", "10k"], help="cases also run with the report")
    ap.add_argument("--repeat", type=int, default=5, help="runs per case up to 10k (100k: 3, 1M: 1)")
    ap.add_argument("--data", type=Path, help="keep generated inputs here (default: a temporary folder)")
    ap.add_argument("--dask", action="store_true", help="also plan provinces with --dask local")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args()
    results: list[dict[str, object]] = []
    compile_package()
    with tempfile.TemporaryDirectory(prefix="dudao-bench-") as tmp_name:
        tmp = Path(tmp_name)
        root = args.data or tmp / "data"
        for name in args.cases:
            if name in SAMPLE_CASES:
                data, given = sample_case(name, root)
                branches, counties = 600, 1
            else:
                data, given = generate(name, root), []
                branches, _, counties = CASES[name]
            repeat = args.repeat if branches <= 10_000 else (3 if branches <= 100_000 else 1)
            variants = [("--no-report", False, given)]
            if name in args.report:
                variants.append(("with report", True, given))
            if args.dask and counties > 1:
                variants.append(("--no-report --dask local", False, [*given, "--dask", "local"]))
            first: Path | None = None
            for label, report, extra in variants:
                work = tmp / f"{name}-{len(results)}"
                work.mkdir()
                runs = [plan_once(data, work, i, report, extra) for i in range(repeat)]
                title = f"{name} ({branches:,} branches, {counties} counties) {label}"
                results.append(report_case(title, runs, branches))
                first = first or work
                if "--dask" in extra:
                    same = all(
                        (work / "plan-0" / f).read_bytes() == (first / "plan-0" / f).read_bytes()
                        for f in ("visits.csv", "branches.csv")
                    )
                    print(f"  visits.csv and branches.csv identical to the local-process run: {same}")
            if branches <= 1_000 and name not in SAMPLE_CASES:
                results.append(app_resolve(data, args.repeat))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
