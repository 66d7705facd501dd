"""Planning time, peak memory and plan quality on generated counties and provinces.

Run by hand (`make bench`, or `python benchmarks/bench_plan.py --sizes 1000 10000`); it prints
figures, it asserts nothing. Each case runs in a fresh process so its peak memory is its own.
Ratios are measured in the same run: the optimizer's objective against the hand-ranking
baseline's, and CBC's solve time against HiGHS's on the same instance.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# size -> (supervisors, counties): a county up to 10k, a province of 1,000-branch counties above
SHAPES = {1000: (20, 1), 10000: (60, 1), 50000: (500, 50), 100000: (1000, 100)}
ALL_RULES = {
    "district_min_share": 0.1,
    "travel_penalty": 3.0,
    "min_weeks_between_visits": 3,
    "weak_lax_min_visits": 2,
    "overdue_days": 365,
    "one_responsible_supervisor": True,
}


def one(folder: Path, solver: str, rules: dict[str, object], weeks: int) -> dict[str, object]:
    """Plan one instance in this process; report times, peak memory and the summary."""
    started = time.perf_counter()
    from planner import load_inputs, parse_scenario, plan

    scenario = parse_scenario(
        {
            "name": "bench",
            "horizon": {"start": "2027-01-04", "weeks": weeks},
            "rules": rules,
            "solver": {"name": solver, "gap": 0.001, "time_limit_s": 600},
        }
    )
    inputs = load_inputs(folder / "branches.csv", folder / "supervisors.csv", horizon_weeks=weeks)
    loaded = time.perf_counter()
    result = plan(inputs, scenario)
    done = time.perf_counter()
    peak_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    s = result.summary
    return {
        "total_s": done - started,
        "load_s": loaded - started,
        "plan_s": done - loaded,
        "solve_s": s.solve_seconds,
        "peak_mib": peak_kib / 1024,
        "gap": s.gap,
        "status": s.status.value,
        "objective": s.objective,
        "baseline_objective": s.baseline.objective,
        "visits": s.n_visits,
        "away": s.kpis.visits_outside_home_district,
        "baseline_away": s.baseline.visits_outside_home_district,
    }


def run_case(folder: Path, solver: str, rules: dict[str, object], weeks: int = 13) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            str(folder),
            "--solver",
            solver,
            "--rules",
            json.dumps(rules),
            "--weeks",
            str(weeks),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def generate(size: int, tmp: Path, seed: int) -> Path:
    supervisors, counties = SHAPES[size]
    folder = tmp / f"n{size}-s{seed}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "planner.cli",
            "generate",
            "--branches",
            str(size),
            "--supervisors",
            str(supervisors),
            "--counties",
            str(counties),
            "--seed",
            str(seed),
            "--out",
            str(folder),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=list(SHAPES))
    ap.add_argument("--repeat", type=int, default=3, help="runs per size up to 10k (median)")
    ap.add_argument("--cbc-up-to", type=int, default=10000)
    ap.add_argument("--one", type=Path)
    ap.add_argument("--solver", default="highs")
    ap.add_argument("--rules", default="{}")
    ap.add_argument("--weeks", type=int, default=13)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.solver, json.loads(args.rules), args.weeks)))
        return

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(
            "size     supervisors  total_s(median)  solve_s  peak_MiB  gap      "
            "obj/baseline  away plan/baseline"
        )
        for size in args.sizes:
            folder = generate(size, tmp, seed=1)
            runs = [run_case(folder, "highs", ALL_RULES) for _ in range(args.repeat if size <= 10000 else 1)]
            med = statistics.median(float(str(r["total_s"])) for r in runs)
            r = runs[0]
            ratio = float(str(r["objective"])) / float(str(r["baseline_objective"]))
            print(
                f"{size:<8} {SHAPES[size][0]:<12} {med:<16.2f} {float(str(r['solve_s'])):<8.2f} "
                f"{float(str(r['peak_mib'])):<9.0f} {float(str(r['gap'])):<8.5f} {ratio:<13.4f} "
                f"{r['away']}/{r['baseline_away']}"
            )
            if size <= args.cbc_up_to:
                cbc = run_case(folder, "cbc", ALL_RULES)
                print(
                    f"         CBC on the same instance: total {float(str(cbc['total_s'])):.2f} s, "
                    f"solve {float(str(cbc['solve_s'])):.2f} s = "
                    f"{float(str(cbc['solve_s'])) / float(str(r['solve_s'])):.1f}x HiGHS, "
                    f"objective {cbc['objective']} vs HiGHS {r['objective']}"
                )
        print("\noptimizer / hand-ranking objective on the 1,000-branch county, by rule set:")
        folder = generate(1000, tmp, seed=2)
        for label, rules in [
            ("defaults", {}),
            ("all rules", ALL_RULES),
            ("all rules, travel 10", {**ALL_RULES, "travel_penalty": 10.0}),
            ("all rules, district share 0.3", {**ALL_RULES, "district_min_share": 0.3}),
            ("all rules, several supervisors per branch", {**ALL_RULES, "one_responsible_supervisor": False}),
        ]:
            r = run_case(folder, "highs", rules)
            ratio = float(str(r["objective"])) / float(str(r["baseline_objective"]))
            print(
                f"  {label:<32} {r['objective']:>12} vs {r['baseline_objective']:>12}  "
                f"= {ratio:.4f}  (+{ratio - 1:.2%})"
            )


if __name__ == "__main__":
    main()
