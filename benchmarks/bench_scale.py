"""Province planning locally and on a two-worker local Dask cluster; time per sweep point.

Run by hand (`python benchmarks/bench_scale.py`); prints figures, asserts nothing. Ratios are
against the same instance solved in this process in the same run.
"""

from __future__ import annotations

import argparse
import time

from planner import datasets, generate, load_inputs, parse_scenario, plan, validate_frames
from planner.sweep import parse_values, sweep


def timed(label: str, fn, baseline: float | None = None) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    ratio = f"  ({took / baseline:.2f}x the one-process time)" if baseline else ""
    print(f"{label:<52} {took:8.2f} s{ratio}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=100_000)
    ap.add_argument("--counties", type=int, default=100)
    args = ap.parse_args()
    from distributed import LocalCluster

    county = generate(args.branches, args.branches // 100, n_counties=args.counties, seed=1)
    inputs = validate_frames(county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=13)
    # the benchmark scenario of bench_plan.py: all rules on, district share 0.1
    scenario = parse_scenario(
        {
            "name": "bench",
            "horizon": {"start": "2027-01-04"},
            "rules": {"district_min_share": 0.1, "travel_penalty": 3.0},
        }
    )
    one = timed(f"{args.branches} branches, one process", lambda: plan(inputs, scenario, workers=1))
    timed(f"{args.branches} branches, 2 local processes", lambda: plan(inputs, scenario, workers=2), one)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        timed(
            f"{args.branches} branches, 2-worker Dask LocalCluster",
            lambda: plan(inputs, scenario, dask=cluster.scheduler_address),
            one,
        )
        bf, sf, _ = datasets.sample_paths()
        sample = load_inputs(bf, sf, horizon_weeks=13)
        values = parse_values("0.5:2:0.25")
        seq = timed(
            f"sample sweep, {len(values)} points, one process",
            lambda: sweep(sample, scenario, "capacity", values, workers=1),
        )
        timed(
            f"sample sweep, {len(values)} points, 2 processes",
            lambda: sweep(sample, scenario, "capacity", values, workers=2),
            seq,
        )
        timed(
            f"sample sweep, {len(values)} points, Dask",
            lambda: sweep(sample, scenario, "capacity", values, dask=cluster.scheduler_address),
            seq,
        )
        print(f"time per sweep point, one process: {seq / len(values):.2f} s")


if __name__ == "__main__":
    main()
