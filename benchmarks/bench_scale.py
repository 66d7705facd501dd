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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import CASES, Run, generate, report_case, timed

ONE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from planner import load_inputs, load_scenario, plan, write_plan
from planner.calendars import write_calendars
from planner.inputs import size_limits
from planner.timings import Timings
data, out, dask = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
t = Timings()
t.add("imports", time.perf_counter() - started, time.process_time())
scenario = load_scenario(None)
with t.stage("read"):
    weeks = scenario.horizon.weeks
    with size_limits(6_000_000):  # planner plan --max-rows 6000000: a province or the nation
        inputs = load_inputs(data / "branches.csv", data / "supervisors.csv", horizon_weeks=weeks)
result = plan(inputs, scenario, dask=dask, timings=t)
sc = result.scenario
def calendars(p, d):
    return write_calendars(p.visits, d, sc.name, sc.horizon.start, "zh")
write_plan(result, out, [("calendars", calendars)], timings=t)
t.add("total in process", time.perf_counter() - started, t.process_cpu())
Path(sys.argv[4]).write_text(json.dumps(t.as_json()), encoding="utf-8")
"""


def run(data: Path, out: Path, dask: str) -> Run:
    log = out.parent / f"{out.name}.log"
    stages = out.parent / f"{out.name}.json"
    cmd = [sys.executable, "-c", ONE, str(data), str(out), dask, str(stages)]
    wall, cpu, largest, tree, code = timed(cmd, log)
    if code != 0:
        raise SystemExit(
            f"run on {data} failed ({code}):\n{log.read_text(encoding='utf-8', errors='replace')}"
        )
    return Run(wall, cpu, largest, tree, json.loads(stages.read_text(encoding="utf-8")))


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
                label = f"{name}: {branches:,} branches, {counties} counties, {where}"
                results.append(report_case(label, runs, branches))
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
