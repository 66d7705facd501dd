"""The `planner` command: a thin layer over the package. Exit 0 done, 2 invalid input,
3 infeasible scenario, 1 anything unexpected.

Each command imports what it uses when it runs: `planner --help` or a wrong argument answers
without loading pandas, and `planner plan` loads no charting, notebook or statistics library.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InfeasibleError, InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from planner.folder import Plan
    from planner.inputs import Inputs
    from planner.scenario import Scenario

EXIT_OK, EXIT_UNEXPECTED, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--branches", type=Path, help="branches CSV/XLSX (default: the sample county)")
    p.add_argument("--supervisors", type=Path, help="supervisors CSV/XLSX")
    p.add_argument("--scenario", type=Path, help="scenario TOML (default: all defaults)")
    p.add_argument(
        "--history",
        type=Path,
        help="history of visits (督导台账) CSV/XLSX (default with the sample: its history)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        help="read input files of up to this many rows (default 300,000; a larger province or the "
        "nation, up to 6,000,000)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner", description="Dudao (督导): optimal supervisory visit plans."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plan", help="plan the visits and write a plan folder")
    _add_inputs(p)
    p.add_argument("--out", type=Path, help="plan folder to create (must not exist, or be empty)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language")
    p.add_argument("--no-report", action="store_true", help="skip the HTML report")
    p.add_argument(
        "--pin",
        type=Path,
        metavar="PLAN_DIR",
        help="keep this plan's visits before --from-week and re-plan the rest",
    )
    p.add_argument("--from-week", type=int, help="first week to re-plan (with --pin)")
    p.add_argument(
        "--log",
        type=Path,
        metavar="VISIT_LOG",
        help="with --pin: the visit log; visits logged as not done (是否完成=否) return to the pool",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help='solve the counties on this Dask scheduler ("local": a LocalCluster on this machine)',
    )
    p.add_argument(
        "--timings", type=Path, metavar="FILE", help="write the seconds of each stage to this JSON file (new)"
    )
    sw = sub.add_parser("sweep", help="solve a scenario along a range of one parameter")
    _add_inputs(sw)
    sw.add_argument(
        "--param",
        required=True,
        help="capacity, capacity.<supervisor_id>, or a scenario key such as rules.travel_penalty",
    )
    sw.add_argument("--values", required=True, help="A:B:STEP (both ends included) or 1,2,3")
    sw.add_argument("--out", type=Path, help="folder for sweep.csv and sweep.png (new)")
    sw.add_argument("--workers", type=int, help="local processes (default: every core)")
    sw.add_argument(
        "--dask", metavar="ADDRESS", help='run the points on this Dask scheduler ("local": on this machine)'
    )
    sw.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the table and chart")
    v = sub.add_parser("validate", help="check the input files and the scenario")
    _add_inputs(v)
    v.add_argument("--lang", choices=("zh", "en"), default="zh")
    r = sub.add_parser("report", help="re-render report.html from a plan folder")
    r.add_argument("plan_dir", type=Path)
    r.add_argument("--lang", choices=("zh", "en"), default="zh")
    r.add_argument(
        "--week", type=int, default=0, help="the week of the first page (default: the first planned)"
    )
    c = sub.add_parser("compare", help="KPIs of plans side by side, and a comparison page")
    c.add_argument("plan_dirs", type=Path, nargs="+")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    c.add_argument("--out", type=Path, help="comparison HTML (default: plans/compare-<time>.html)")
    rec = sub.add_parser("record", help="apply a visit log to the branch file for the next cycle")
    rec.add_argument("plan_dir", type=Path)
    rec.add_argument("outcomes", type=Path, help="visit log CSV/XLSX")
    rec.add_argument("--lang", choices=("zh", "en"), default="zh")
    rec.add_argument(
        "--branches", type=Path, help="the branch file the plan was made from (default: the sample county's)"
    )
    rec.add_argument(
        "--out",
        type=Path,
        help="next cycle's branch file (must not exist; default: branches-after-<plan folder>.csv)",
    )
    rec.add_argument(
        "--history",
        type=Path,
        help="the history the plan was made with (default with the sample branch file: its history)",
    )
    rec.add_argument(
        "--history-out",
        type=Path,
        help="next cycle's history (must not exist; default: history-after-<plan folder>.csv)",
    )
    sim = sub.add_parser("simulate", help="compare visit policies over several quarters and many seeds")
    sim.add_argument(
        "--dynamics",
        default="additive,proportional,deteriorating",
        help="how branches change: additive, proportional, deteriorating, or several joined by commas",
    )
    sim.add_argument("--dynamics-file", type=Path, help="TOML overriding the dynamics' parameters")
    sim.add_argument("--quarters", type=int, default=4)
    sim.add_argument("--seeds", type=int, default=20, help="seeds (counties and luck) per dynamics")
    sim.add_argument("--seed", type=int, default=0, help="the first seed")
    sim.add_argument("--branches", type=int, default=250, help="branches of the generated county")
    sim.add_argument("--supervisors", type=int, default=7)
    sim.add_argument("--workers", type=int, help="local processes (default: every core)")
    sim.add_argument(
        "--year",
        action="store_true",
        help="the office's year: standing 责任人, contact points, follow-ups and a history in the "
        "county; every plan obeys the year's rules and each quarter is recorded before the next",
    )
    sim.add_argument("--lang", choices=("zh", "en"), default="zh")
    sim.add_argument(
        "--out", type=Path, help="new folder for the tables, charts and an office's history per dynamics"
    )
    imp = sub.add_parser("impact", help="estimate what visits did from successive branch files")
    imp.add_argument("branch_files", type=Path, nargs="+", help="the branch files, oldest first")
    imp.add_argument("--dates", required=True, help="each file's date, YYYY-MM-DD joined by commas")
    imp.add_argument("--history", type=Path, required=True, help="the visit log: branch_id, date, focus")
    imp.add_argument("--out", type=Path, help="CSV to write (new; default: plans/impact-<time>.csv)")
    imp.add_argument("--lang", choices=("zh", "en"), default="zh")
    a = sub.add_parser("app", help="serve the scenario workbook in the browser (Voilà)")
    _add_inputs(a)
    a.add_argument("--port", type=int, default=8866)
    a.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to serve on (default 127.0.0.1: this machine only); browsers must use this name",
    )
    a.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another name browsers may use to reach the app (e.g. the server's DNS name)",
    )
    a.add_argument("--max-sessions", type=int, default=8, help="browser sessions at once (each a kernel)")
    a.add_argument("--idle-minutes", type=float, default=30, help="end a session idle this long")
    g = sub.add_parser("generate", help="write a synthetic county or province")
    g.add_argument("--branches", type=int, required=True)
    g.add_argument("--supervisors", type=int, required=True)
    g.add_argument("--districts", type=int, help="districts per county (default: ~50 branches each)")
    g.add_argument("--counties", type=int, default=1, help="counties (a province when > 1)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument(
        "--year",
        action="store_true",
        help="also standing 责任人, contact points, rectified branches and a history (history.csv)",
    )
    g.add_argument("--out", type=Path, required=True)
    return parser


def _load(args: argparse.Namespace) -> tuple[Inputs, Scenario]:
    """Inputs and scenario from the arguments; with no data arguments, the sample county."""
    from contextlib import nullcontext
    from dataclasses import replace

    from planner import datasets
    from planner.inputs import load_inputs, sha256, size_limits
    from planner.scenario import load_scenario

    sample_b, sample_s, sample_sc = datasets.sample_paths()
    if (args.branches is None) != (args.supervisors is None):
        raise InputError(
            [_usage("give both --branches and --supervisors, or neither (to use the sample county).")]
        )
    use_sample = args.branches is None
    scenario_path = args.scenario or (sample_sc if use_sample else None)
    try:
        scenario = load_scenario(scenario_path)
        scenario_problems = []
    except InputError as exc:
        scenario, scenario_problems = load_scenario(None), exc.problems
    history = getattr(args, "history", None)
    if history is None and use_sample:
        history = datasets.sample_history_path()
    limits = size_limits(args.max_rows) if getattr(args, "max_rows", None) is not None else nullcontext()
    try:
        with limits:
            inputs = load_inputs(
                sample_b if use_sample else args.branches,
                sample_s if use_sample else args.supervisors,
                horizon_weeks=scenario.horizon.weeks,
                history=history,
                horizon_start=None if scenario_problems else scenario.horizon.start,
            )
    except InputError as exc:
        raise InputError(scenario_problems + exc.problems) from exc
    if scenario_problems:
        raise InputError(scenario_problems)
    if scenario_path is not None:
        inputs = replace(inputs, sources={**inputs.sources, Path(scenario_path).name: sha256(scenario_path)})
    for name, encoding in inputs.encodings.items():
        if encoding not in ("UTF-8", "xlsx"):  # say so when a file was not plain UTF-8
            print(f"{name}: read as {encoding} text.", file=sys.stderr)
    return inputs, scenario


def _usage(message: str) -> Problem:
    return Problem("command line", message)


def _cmd_validate(args: argparse.Namespace) -> int:
    from planner import labels

    inputs, scenario = _load(args)
    b, s, hz = inputs.branches, inputs.supervisors, scenario.horizon
    for warning in inputs.warnings:
        print(labels.t("cli_warning", args.lang, text=warning))
    n = len(inputs.warnings)
    ok = labels.t("cli_valid_warned", args.lang, n=n, s="s" if n != 1 else "") if n else "OK"
    line = labels.t(
        "cli_valid",
        args.lang,
        ok=ok,
        branches=len(b),
        districts=b["district"].nunique(),
        supervisors=len(s),
        scenario=scenario.name,
        weeks=labels.t("weeks_from", args.lang, weeks=hz.weeks, start=hz.start),
    )
    print(line)
    return EXIT_OK


def _cmd_plan(args: argparse.Namespace) -> int:
    import json
    import time

    started, cpu_started = time.perf_counter(), time.process_time()
    if args.dask is None:
        from planner import solver

        # the solver's interpreter and HiGHS start on the other core while this process
        # imports the rest and reads the inputs
        solver.prestart()

    from planner import labels
    from planner.atomic import atomic_output, check_writable
    from planner.folder import default_out, read_plan, write_plan
    from planner.plan import plan
    from planner.replan import pins_from
    from planner.timings import Timings

    timings = Timings()
    if args.timings is not None:
        check_writable(args.timings, "--timings")
    with timings.stage("read"):
        inputs, scenario = _load(args)
    for warning in inputs.warnings:
        print(labels.t("cli_warning", args.lang, text=warning), file=sys.stderr)
    out = args.out or default_out(scenario)
    check_writable(out, "--out")  # before the solve: a read-only or full disk fails now
    pins = None
    if (args.pin is None) != (args.from_week is None):
        raise InputError([_usage("--pin and --from-week go together.")])
    if args.log is not None and args.pin is None:
        raise InputError([_usage("--log goes with --pin and --from-week.")])
    if args.pin is not None:
        earlier = read_plan(args.pin)
        not_done = _not_done(args.log, earlier, inputs) if args.log else frozenset()
        pins = pins_from(earlier, inputs, scenario, args.from_week, not_done)
        print(
            labels.t(
                "cli_pins",
                args.lang,
                kept=len(pins.visits),
                plan=earlier.name,
                week=pins.from_week,
                returned=pins.returned,
            ),
            file=sys.stderr,
        )
    result = plan(inputs, scenario, pins=pins, dask=args.dask, timings=timings)
    with timings.stage("import the output writers"):
        from planner.exports import handouts

    writers = handouts(args.lang, report=not args.no_report)
    folder = write_plan(result, out, writers, flag="--out", timings=timings)
    timings.add("total in process", time.perf_counter() - started, timings.process_cpu() - cpu_started)
    if args.timings is not None:
        with atomic_output(args.timings, flag="--timings") as tmp:
            tmp.write_text(json.dumps(timings.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    for line in labels.plan_lines(result.summary, args.lang):
        print(line)
    if not args.no_report:
        print(labels.t("cli_report", args.lang, path=folder / "report.html"))
    print(folder)
    return EXIT_OK


def _not_done(log: Path, earlier: Plan, inputs: Inputs) -> frozenset[str]:
    """Visit ids the log reports as not done (是否完成=否)."""
    import datetime as dt

    from planner.inputs import load_outcomes

    h = earlier.scenario.horizon
    outcomes = load_outcomes(
        log,
        plan_visits=earlier.visits,
        branch_ids=set(inputs.branches["branch_id"]),
        first_day=h.start,
        last_day=h.week_start(h.weeks) + dt.timedelta(days=6),
        with_visit_ids=True,
    )
    return frozenset(str(v) for v in outcomes.loc[~outcomes["happened"], "visit_id"] if v)


def _cmd_report(args: argparse.Namespace) -> int:
    from planner import report

    folder = report.load(args.plan_dir)  # a clear message if it is not a plan folder
    if args.week and not 1 <= args.week <= folder.scenario.horizon.weeks:
        raise InputError([_usage(f"--week must be from 1 to {folder.scenario.horizon.weeks}.")])
    print(report.render(args.plan_dir, args.lang, week=args.week))
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    import datetime as dt

    from planner import labels, report
    from planner.atomic import check_writable
    from planner.folder import read_plan

    folders = [read_plan(d) for d in args.plan_dirs]
    out = args.out or Path("plans") / f"compare-{dt.datetime.now():%Y%m%d-%H%M%S}.html"
    check_writable(out, "--out")
    colon = labels.COLON[args.lang].rstrip()
    settings = report.setting_differences(folders, args.lang)
    print(labels.t("settings_differ", args.lang) + colon)
    print(report.text_table(settings) if len(settings) else labels.t("no_differences", args.lang))
    print()
    print(labels.t("kpis_compared", args.lang) + colon)
    print(report.text_table(report.comparison(folders, args.lang)))
    print(report.write_comparison(folders, out, args.lang))
    return EXIT_OK


def _cmd_app(args: argparse.Namespace) -> int:
    from planner import appserver, labels
    from planner.resources import notebook
    from planner.workbook import APP_ENV

    inputs, _ = _load(args)  # bad input is reported here, before the server starts
    for warning in inputs.warnings:
        print(labels.t("cli_warning", "zh", text=warning), file=sys.stderr)
    for key, var in APP_ENV.items():
        value = getattr(args, key)
        if value is not None:
            os.environ[var] = str(Path(value).resolve())
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving the workbook at http://{shown}:{args.port}/ (Ctrl+C to stop)", flush=True)
    appserver.serve(
        appserver.voila_argv(
            str(notebook("scenario_workbook.ipynb")),
            host=args.host,
            port=args.port,
            extra_hosts=args.allow_host,
            max_sessions=args.max_sessions,
            idle_minutes=args.idle_minutes,
        )
    )
    return EXIT_OK


def _cmd_record(args: argparse.Namespace) -> int:
    from planner import datasets, labels
    from planner.record import record

    branches = args.branches or datasets.sample_paths()[0]
    history = args.history or (datasets.sample_history_path() if args.branches is None else None)
    out = args.out or Path(f"branches-after-{args.plan_dir.resolve().name}.csv")
    history_out = args.history_out or out.with_name(f"history-after-{args.plan_dir.resolve().name}.csv")
    done = record(args.plan_dir, args.outcomes, branches, out, history=history, history_out=history_out)
    print(labels.t("cli_recorded", args.lang, changed=done.changed))
    print(labels.t("cli_history_appended", args.lang, appended=done.appended, path=done.history))
    print(done.branches)
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    import datetime as dt

    import pandas as pd

    from planner import labels, sweep
    from planner.atomic import atomic_output, check_writable
    from planner.safety import write_csv

    inputs, scenario = _load(args)
    for warning in inputs.warnings:
        print(labels.t("cli_warning", args.lang, text=warning), file=sys.stderr)
    values = sweep.parse_values(args.values)
    out = args.out or Path("plans") / f"sweep-{dt.datetime.now():%Y%m%d-%H%M%S}"
    check_writable(out, "--out")
    sweep.point(inputs, scenario, args.param, values[0])  # a bad --param stops here
    table = sweep.sweep(
        inputs, scenario, args.param, values, workers=args.workers, dask=args.dask, progress=True
    )
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(sweep.readable(table, args.lang).to_string(index=False))
    with atomic_output(out, folder=True, flag="--out") as tmp:
        write_csv(table, tmp / "sweep.csv")
        sweep.chart(table, args.lang).savefig(tmp / "sweep.png")
    print(out)
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace) -> int:
    import pandas as pd

    from planner import simulate
    from planner.atomic import atomic_output, check_writable

    problems = []
    for flag, value, low in (
        ("--quarters", args.quarters, 1),
        ("--seeds", args.seeds, 2),
        ("--branches", args.branches, 10),
        ("--supervisors", args.supervisors, 1),
    ):
        if value < low:
            problems.append(_usage(f"{flag} must be {low} or more."))
    if problems:
        raise InputError(problems)
    names = [n.strip() for n in args.dynamics.split(",") if n.strip()]
    dynamics = [simulate.load_dynamics(n, args.dynamics_file) for n in names]
    if args.out:
        check_writable(args.out, "--out")  # before the simulation: a read-only or full disk fails now
    ev = simulate.evidence(
        dynamics,
        seeds=args.seeds,
        n_branches=args.branches,
        n_supervisors=args.supervisors,
        quarters=args.quarters,
        first_seed=args.seed,
        workers=args.workers,
        progress="seeds",
        year=args.year,
    )
    wide, diff = simulate.wide_table(ev, args.lang), simulate.difference_table(ev, args.lang)
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 40):
        print(wide.to_string(index=False))
        print()
        print(diff.to_string(index=False))
    if args.out:
        with atomic_output(args.out, folder=True, flag="--out") as tmp:
            _write_evidence(ev, dynamics, args, tmp, wide)
        print(args.out)
    return EXIT_OK


def _write_evidence(
    ev: Any, dynamics: list[Any], args: argparse.Namespace, out: Path, wide: pd.DataFrame
) -> None:
    """The simulation's tables and charts, and per dynamics an office's files for `planner impact`
    (the optimizer's quarters on the first seed: branch files, visit log, the true effect)."""
    from planner import simulate
    from planner.impact import write_table

    write_table(ev.per_seed, out / "simulation.csv")
    write_table(wide, out / "summary.csv")
    write_table(ev.differences(), out / "differences.csv")
    simulate.chart(ev, args.lang).savefig(out / "simulation.png")
    simulate.difference_chart(ev, lang=args.lang).savefig(out / "differences.png")
    for dyn in dynamics:
        inputs, scenario = simulate.generated_county(
            args.branches, args.supervisors, args.seed, year=args.year
        )
        sim = simulate.simulate(
            inputs,
            scenario,
            quarters=args.quarters,
            seed=args.seed,
            dynamics=dyn,
            policies=("optimizer",),
            record="optimizer",
        )
        if sim.history is None:
            continue
        folder = out / f"history-{dyn.name}"
        for day, snap in zip(sim.history.dates, sim.history.snapshots, strict=True):
            write_table(snap, folder / f"branches-{day.isoformat()}.csv")
        write_table(sim.history.visits, folder / "visits.csv")
        (folder / "true_effect.txt").write_text(f"{sim.history.true_effect:.4f}\n", encoding="utf-8")


def _cmd_impact(args: argparse.Namespace) -> int:
    import datetime as dt

    import pandas as pd

    from planner import impact
    from planner.atomic import check_writable

    if len(args.branch_files) < 2:
        raise InputError([_usage("give at least two branch files, oldest first.")])
    dates = impact.parse_dates(args.dates, len(args.branch_files))
    out = args.out or Path("plans") / f"impact-{dt.datetime.now():%Y%m%d-%H%M%S}.csv"
    check_writable(out, "--out")
    problems: list[Problem] = []
    snapshots = []
    for path in args.branch_files:
        try:
            snapshots.append(impact.load_branch_file(path))
        except InputError as exc:
            problems += exc.problems
    try:
        history = impact.load_history(args.history)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    result = impact.impact(snapshots, dates, history)
    table = result.table(args.lang)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, na_rep="–", float_format=lambda x: f"{x:.3f}"))
    if result.unchanged_unvisited:
        print(
            f"Note: {result.unchanged_unvisited} branch-periods had no visit and not one changed score; "
            "if those branches were not re-assessed, the estimate compares against stale scores."
        )
    print(impact.write_table(table, out))
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from planner import datasets
    from planner.atomic import check_writable

    check_writable(args.out, "--out")
    try:
        county = datasets.generate(
            args.branches,
            args.supervisors,
            n_districts=args.districts,
            n_counties=args.counties,
            seed=args.seed,
            year=args.year,
        )
    except ValueError as exc:
        raise InputError([_usage(str(exc) + ".")]) from exc
    for path in datasets.write_county(county, args.out, flag="--out"):
        print(path)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {
        "plan": _cmd_plan,
        "validate": _cmd_validate,
        "generate": _cmd_generate,
        "report": _cmd_report,
        "compare": _cmd_compare,
        "app": _cmd_app,
        "record": _cmd_record,
        "simulate": _cmd_simulate,
        "impact": _cmd_impact,
        "sweep": _cmd_sweep,
    }
    previous = _terminate_as_interrupt()
    from planner import labels

    try:
        return commands[args.command](args)
    except InputError as exc:
        # in Chinese (--lang zh) each problem is also said in Chinese where it has a translation,
        # under the English line it comes from
        lang = getattr(args, "lang", "zh")
        if lang == "zh":
            print(labels.t("cli_invalid", "zh", n=len(exc.problems)), file=sys.stderr)
        print(
            f"The input is invalid ({len(exc.problems)} problem"
            f"{'s' if len(exc.problems) != 1 else ''}); nothing was written:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
            zh = labels.problem_message_zh(problem.message) if lang == "zh" else None
            if zh:
                place = labels.problem_place_zh(problem.file, problem.row, problem.column)
                print(f"    {place}：{zh}", file=sys.stderr)
        return EXIT_INVALID
    except InfeasibleError as exc:
        if getattr(args, "lang", "zh") == "zh":
            print(labels.t("cli_infeasible", "zh"), file=sys.stderr)
        print("The scenario's rules cannot all hold; nothing was written:", file=sys.stderr)
        for conflict in exc.conflicts:
            print(f"  - {conflict.rule}: {conflict.message}\n    Try: {conflict.suggestion}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except KeyboardInterrupt:
        if getattr(args, "lang", "zh") == "zh":
            print(labels.t("cli_interrupted", "zh"), file=sys.stderr)
        print("Interrupted; nothing was written.", file=sys.stderr)
        return EXIT_UNEXPECTED
    except Exception as exc:
        if _solve_timed_out(exc):
            print(exc, file=sys.stderr)
            return EXIT_UNEXPECTED
        print(
            f"Unexpected error: {exc.__class__.__name__}: {exc}. Nothing was written. "
            "Set DUDAO_DEBUG=1 for details and please report it.",
            file=sys.stderr,
        )
        if os.environ.get("DUDAO_DEBUG"):
            traceback.print_exc()
        return EXIT_UNEXPECTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _solve_timed_out(exc: Exception) -> bool:
    """Whether `exc` is the solver's SolveTimeoutError (the solver module is loaded if a solve ran)."""
    solver = sys.modules.get("planner.solver")
    return solver is not None and isinstance(exc, solver.SolveTimeoutError)


def _terminate_as_interrupt() -> Any:
    """SIGTERM stops a run like Ctrl-C, so partial outputs are removed; returns the old handler."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None


if __name__ == "__main__":
    sys.exit(main())
