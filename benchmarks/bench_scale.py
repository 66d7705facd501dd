"""The path to national scale: 10k / 100k / 1M branches planned on this machine, time and memory
per branch, on local processes and on a Dask LocalCluster with identical results.

Run by hand (`python benchmarks/bench_scale.py --cases 10k 100k 1M`; `make bench` runs 10k and
100k); prints figures, asserts nothing. Each run is a fresh process doing what `planner plan
--no-report` does except plan.xlsx (its writer is timed by bench_cli.py):

    read and validate the inputs -> plan() -> write visits/branches/baseline CSVs, summary.json,
    scenario.toml and the calendars

so the figures are those of the planning pipeline and the outputs whose size grows with the
plan. Wall and CPU time, peak memory of the largest process and of all processes (PSS), per
branch; the floor (read + write the CSVs) from the same run. With --dask the same case is run
again on a two-worker LocalCluster (`plan(..., dask="local")`) and its visits.csv and
branches.csv compared byte for byte with the local-process run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import CASES, FLOOR, generate, spread, timed

ONE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from planner import load_inputs, load_scenario, plan, write_plan
from planner.calendars import write_calendars
from planner.timings import Timings
data, out, dask = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
t = Timings()
t.add("imports", time.perf_counter() - started)
scenario = load_scenario(None)
with t.stage("read"):
    weeks = scenario.horizon.weeks
    inputs = load_inputs(data / "branches.csv", data / "supervisors.csv", horizon_weeks=weeks)
result = plan(inputs, scenario, dask=dask, timings=t)
sc = result.scenario
def calendars(p, d):
    return write_calendars(p.visits, d, sc.name, sc.horizon.start, "zh")
write_plan(result, out, [("calendars", calendars)], timings=t)
t.add("total in process", time.perf_counter() - started)
print(json.dumps(t.stages))
"""


def run(data: Path, out: Path, dask: str) -> dict[str, object]:
    log = out.parent / f"{out.name}.log"
    wall, cpu, largest, tree, code = timed([sys.executable, "-c", ONE, str(data), str(out), dask], log)
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        raise SystemExit(f"run on {data} failed ({code}):\n{text}")
    stages = json.loads(text.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "largest": largest, "tree": tree, "stages": stages}


def show(label: str, runs: list[dict[str, object]], branches: int) -> dict[str, object]:
    walls = [float(str(r["wall"])) for r in runs]
    cpus = [float(str(r["cpu"])) for r in runs]
    trees = [float(str(r["tree"])) for r in runs]
    stages = [dict(r["stages"]) for r in runs]  # type: ignore[call-overload]
    floor = statistics.median(sum(s.get(k, 0.0) for k in FLOOR) for s in stages)
    wall = statistics.median(walls)
    print(
        f"\n{label}: wall {spread(walls)} s, CPU {spread(cpus)} s, peak "
        f"{max(float(str(r['largest'])) for r in runs):.0f} MiB largest process / {max(trees):.0f} MiB all; "
        f"per branch {wall / branches * 1e6:.0f} µs and {max(trees) * 1024 / branches:.2f} KiB; "
        f"floor {floor:.2f} s, wall / floor {wall / floor:.1f}"
    )
    for name in stages[0]:
        print(f"  {name:<46} {statistics.median(s.get(name, 0.0) for s in stages):8.2f} s")
    return {"case": label, "wall_s": walls, "cpu_s": cpus, "all_processes_mib": max(trees), "floor_s": floor}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="*", default=["10k", "100k"], choices=list(CASES))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--dask", action="store_true", help="also run each province on a Dask LocalCluster")
    ap.add_argument("--data", type=Path, help="keep generated inputs here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="dudao-scale-") as tmp_name:
        tmp = Path(tmp_name)
        for name in args.cases:
            branches, _, counties = CASES[name]
            data = generate(name, args.data or tmp / "data")
            for mode in ["", "local"] if args.dask and counties > 1 else [""]:
                outs = [tmp / f"{name}-{mode or 'processes'}-{i}" for i in range(args.repeat)]
                runs = [run(data, out, mode) for out in outs]
                where = "Dask LocalCluster" if mode else "local processes"
                results.append(
                    show(f"{name}: {branches:,} branches, {counties} counties, {where}", runs, branches)
                )
                if mode:
                    first = tmp / f"{name}-processes-0"
                    same = all(
                        (outs[0] / f).read_bytes() == (first / f).read_bytes()
                        for f in ("visits.csv", "branches.csv")
                    )
                    print(f"  visits.csv and branches.csv identical to the local-process run: {same}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
