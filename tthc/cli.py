"""The `tthc` command: every step of the pipeline without Airflow."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tthc.config import paths


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD or dd/mm/yyyy)")


def _progress(label: str):
    """A progress callback printing a bar on a terminal and a line every 10% otherwise (logs)."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=label, unit="file", file=sys.stderr, mininterval=1,
                       disable=None if sys.stderr.isatty() else True)
        bar.update(done - bar.n)
        if not sys.stderr.isatty() and (done == total or done % max(1, total // 10) == 0):
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)
        if done == total:
            bar.close()

    return update


def cmd_generate(args) -> int:
    from tthc.generator import generate

    p = paths().ensure()
    landing = args.landing or p.landing
    summary = generate(landing, args.start, args.end, seed=args.seed, scale=args.scale, progress=_progress("generate"))
    print(f"wrote {summary.days} daily extracts ({summary.extract_rows:,} rows, {summary.dossiers:,} dossiers received in range) to {landing}")
    return 0


def cmd_run(args) -> int:
    from tthc.pipeline import dates_between, run

    if args.date and (args.start or args.end):
        raise SystemExit("give either --date or --from/--to")
    if args.date:
        dates = {args.date}
    elif args.start and args.end:
        dates = dates_between(args.start, args.end)
    else:
        raise SystemExit("give --date D, or --from A --to B")
    summary = run(paths(), dates, progress=_progress("ingest"), full_refresh=args.full_refresh)
    print("\n".join(summary.lines()))
    return 1 if summary.disagreement else 0


def cmd_report(args) -> int:
    import duckdb

    from tthc.pipeline import report_period
    from tthc.scorecard import scorecard_lines
    from tthc.vn_format import period_caption

    start, end = (args.date, args.date) if args.date else (args.start, args.end)
    if not start or not end or (args.date and (args.start or args.end)):
        raise SystemExit("give --date D, or --from A --to B")
    if args.province == "all":
        return _report_all_provinces(start, end)
    p = paths()
    period_id = report_period(p, start, end, echo=lambda *_: None)
    with duckdb.connect(str(p.published), read_only=True) as con:
        lines = scorecard_lines(con, period_id)
        label, as_of_day, partial, spans = con.execute(
            "select period_label, as_of_day, is_partial, spans_reorganisation from marts.dim_report_period "
            "where period_id = ?", [period_id]).fetchone()
    where = f"province {p.province_code}" if p.province else "province"
    print(f"period {period_id}: {period_caption(label, as_of_day, partial, spans)}, {where}; every mart now has it:")
    print("\n".join(lines))
    return 0


def _report_all_provinces(start, end) -> int:
    """The free period in every province home that has a warehouse, then the national roll-up of them."""
    import duckdb

    from tthc.config import root
    from tthc.pipeline import report_period
    from tthc.scorecard import national_scorecard_lines
    from warehouse.national import NationalUnavailable, build_national, province_homes

    homes = [home for home in province_homes(root()) if home.warehouse.exists()]
    if not homes:
        raise SystemExit(f"tthc report --province all: no province home under {root() / 'provinces'} has a warehouse: "
                         "run `tthc --province CODE run ...` for each province first")
    period_id = None
    for home in homes:
        period_id = report_period(home, start, end, echo=lambda *_: None)
        print(f"province {home.province_code}: {period_id} added to every mart", file=sys.stderr, flush=True)
    try:
        rollup = build_national(root(), echo=lambda line: print(line, file=sys.stderr))
    except NationalUnavailable as exc:
        raise SystemExit(f"tthc report --province all: {exc}") from None
    with duckdb.connect(str(rollup.warehouse), read_only=True) as con:
        print("\n".join(national_scorecard_lines(con, period_id)))
    return 0


def cmd_national(args) -> int:
    from tthc.config import root
    from warehouse.national import NationalUnavailable, build_national

    try:
        build_national(root())
    except NationalUnavailable as exc:
        raise SystemExit(f"tthc national: {exc}") from None
    return 0


def cmd_excel(args) -> int:
    from warehouse.excel_report import write_report

    p = paths()
    if not p.published.exists():
        raise SystemExit(f"no published warehouse at {p.published}: run `tthc run` first")
    target = write_report(p.published, args.period, args.out or p.reports)
    print(f"wrote {target}")
    return 0


def cmd_postgres(args) -> int:
    from tthc.dbt import print_summary
    from tthc.pipeline import build_postgres

    build_postgres(paths(), echo=print if args.verbose else print_summary)
    return 0


def cmd_spark(args) -> int:
    from tthc.dbt import print_summary
    from tthc.pipeline import build_spark
    from warehouse.spark_target import SparkUnavailable

    try:
        build_spark(paths(), echo=print if args.verbose else print_summary)
    except SparkUnavailable as exc:
        raise SystemExit(f"tthc spark: {exc}") from None
    return 0


def cmd_status(args) -> int:
    from warehouse.status import status_lines

    print("\n".join(status_lines(paths())))
    if args.freshness:
        from tthc.pipeline import source_freshness

        source_freshness(paths())
    return 0


def cmd_accept(args) -> int:
    """Apply a held correction (one that would remove much of its day): it becomes the day's data."""
    import getpass

    from ingestion.loader import NotHeld, accept
    from warehouse.database import connect

    with connect(paths().warehouse) as con:
        try:
            source, day, reason = accept(con, args.load_id, args.by or getpass.getuser())
        except NotHeld as e:
            raise SystemExit(f"tthc accept: {e}") from None
    print(f"{args.load_id} is now the current {source} load of {day} ({reason})\n"
          f"the next run rebuilds that day: tthc run --date {day}")
    return 0


def cmd_unit_report_add(args) -> int:
    """Put a workbook in the landing folder with what the office knows of it (its period, the
    sending unit) in its sidecar file; the next run loads it, or re-reads the waiting one."""
    import shutil

    import yaml

    from ingestion.report_context import parse_period, sidecar
    from ingestion.unit_report_loader import FOLDER
    from ingestion.workbook_files import SUFFIXES

    source = args.file
    if not source.is_file() or source.suffix.lower() not in SUFFIXES:
        raise SystemExit(f"tthc unit-report add: {source} is not a workbook ({', '.join(SUFFIXES)})")
    given = {}
    if args.period:
        try:
            parse_period(args.period)
        except ValueError as e:
            raise SystemExit(f"tthc unit-report add: {e}") from None
        given["period"] = args.period
    if args.unit:
        given["unit"] = args.unit
    folder = paths().landing / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if source.resolve() != target.resolve():
        shutil.copy2(source, target)
    if given:
        sidecar(target).write_text(yaml.safe_dump(given, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{target}" + (f" with {sidecar(target).name}: {given}" if given else "")
          + "\nit loads at the next run (tthc run, or the tthc_unit_reports DAG within 30 minutes)")
    return 0


def cmd_units_alias_add(args) -> int:
    """Confirm once that a printed name is a unit: kept with who and when, used by every later load."""
    import getpass

    from ingestion.unit_names import confirm_alias

    try:
        row = confirm_alias(paths().confirmed_aliases, args.alias, args.code, args.by or getpass.getuser())
    except ValueError as e:
        raise SystemExit(f"tthc units alias add: {e}") from None
    print(f"{row['alias']!r} is {row['unit_code']} (confirmed by {row['confirmed_by']} at {row['confirmed_at']}) "
          f"in {paths().confirmed_aliases}\nworkbooks waiting for it load at the next run")
    return 0


def cmd_contracts_doc(args) -> int:
    from ingestion.contract_docs import render
    from tthc.config import REPO

    target = REPO / "docs" / "contracts.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_docs(args) -> int:
    from tthc.dbt import print_summary
    from tthc.pipeline import document

    document(paths(), echo=print_summary, force=args.force)
    return 0


def cmd_demo(args) -> int:
    import os

    from tthc.demo import CAMPAIGN, demo_range, run_demo

    os.environ["TTHC_DEMO"] = "1"  # generated applicants: the public demo pseudonym key will do

    if (args.start is None) != (args.end is None):
        raise SystemExit("tthc demo: give both --from and --to, or neither (the 2022 campaign)")
    try:
        span = CAMPAIGN if args.start is None else demo_range(args.start, args.end)
    except ValueError as e:
        raise SystemExit(f"tthc demo: {e}") from None
    return run_demo(paths(), scale=args.scale, span=span)


PROVINCE_HELP = ("the province home to work in, TTHC_HOME/provinces/CODE, in a national deployment (a code of "
                 "warehouse/provinces_2025.csv, e.g. 75; default: TTHC_PROVINCE, else TTHC_HOME itself); "
                 "`report --province all` reports every province and the national roll-up")


def _province(text: str) -> str:
    from warehouse.provinces import check_province

    if text == "all":
        return text
    try:
        return check_province(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    import os

    # --province may come before the command (tthc --province 79 run ...) or after it
    province_option = argparse.ArgumentParser(add_help=False)
    province_option.add_argument("--province", type=_province, default=argparse.SUPPRESS, help=PROVINCE_HELP)
    parser = argparse.ArgumentParser(prog="tthc", parents=[province_option],
                                     description="Online public-service KPIs warehouse: every pipeline step from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[province_option], **kwargs)

    g = command("generate", help="write demo daily portal extracts into the landing folder")
    g.add_argument("--from", dest="start", type=_date, required=True, help="first extract date")
    g.add_argument("--to", dest="end", type=_date, required=True, help="last extract date")
    g.add_argument("--seed", type=int, default=2022, help="random seed (same seed, same files)")
    g.add_argument("--scale", type=float, default=1.0, help="volume factor; 1 = the province's volumes of 2022")
    g.add_argument("--landing", type=lambda s: __import__("pathlib").Path(s), help="landing folder (default: $TTHC_HOME/landing)")
    g.set_defaults(func=cmd_generate)

    r = command("run", help="ingest, validate, build, check and publish a day or a range in one pass")
    r.add_argument("--date", type=_date, help="one extract date")
    r.add_argument("--from", dest="start", type=_date, help="first extract date of a range")
    r.add_argument("--to", dest="end", type=_date, help="last extract date of a range")
    r.add_argument("--full-refresh", action="store_true",
                   help="rebuild the incremental models from all current loads (after changing their SQL)")
    r.set_defaults(func=cmd_run)

    rp = command("report", help="add a free period (a day, or any range) to every mart and print its KPIs")
    rp.add_argument("--date", type=_date, help="one day")
    rp.add_argument("--from", dest="start", type=_date, help="first day")
    rp.add_argument("--to", dest="end", type=_date, help="last day")
    rp.set_defaults(func=cmd_report)

    x = command("excel", help="write the Excel report (KPI report, appendices 1–5) of a period")
    x.add_argument("--period", help="a period_id of marts.dim_report_period, e.g. campaign_2022_q1, month_2022_03 "
                                    "(default: the latest month)")
    x.add_argument("--out", type=lambda s: __import__("pathlib").Path(s), help="folder (default: published/reports)")
    x.set_defaults(func=cmd_excel)

    pg = command("postgres", help="build the same marts on PostgreSQL (connection from TTHC_PG_HOST, _PORT, _USER, "
                                         "_PASSWORD, _DATABASE; default postgres@127.0.0.1:5432/tthc)")
    pg.add_argument("--verbose", action="store_true", help="print every dbt line")
    pg.set_defaults(func=cmd_postgres)

    sp = command("spark", help="build the same marts on Spark: local Spark under TTHC_HOME/spark by default "
                                      "(Java 17); TTHC_SPARK_MASTER, _HOME, _RAW, _THREADS, or another profile (docs/spark.md)")
    sp.add_argument("--verbose", action="store_true", help="print every dbt line")
    sp.set_defaults(func=cmd_spark)

    s = command("status", help="what is loaded, what was quarantined and why, the latest findings")
    s.add_argument("--freshness", action="store_true", help="also run dbt source freshness (fails when a daily source is stale)")
    s.set_defaults(func=cmd_status)

    d = command("demo", help="generate the 2022 campaign (15/12/2021–02/09/2022), or any range, and run the whole flow")
    d.add_argument("--from", dest="start", type=_date, help="first day of another range, e.g. 2025-05-01 (across the 2025 reform)")
    d.add_argument("--to", dest="end", type=_date, help="last day of that range, e.g. 2025-09-30")
    d.add_argument("--scale", type=float, default=1.0)
    d.set_defaults(func=cmd_demo)

    ac = command("accept", help="apply a held correction (a re-delivered file that would remove much of its day)")
    ac.add_argument("load_id", help="the held load, as `tthc status` and the run's output list it")
    ac.add_argument("--by", help="who accepts it (default: the login name); kept in raw.load_manifest")
    ac.set_defaults(func=cmd_accept)

    u = command("unit-report", help="unit reports (Excel) sent by the units")
    usub = u.add_subparsers(dest="unit_report_command", required=True)
    ua = usub.add_parser("add", help="land a workbook, giving what it does not say: its period, the sending unit")
    ua.add_argument("file", type=lambda s: __import__("pathlib").Path(s))
    ua.add_argument("--period", help="2022Q1, 2022-03, 2022H1, 2022 or 2021-12-15..2022-03-14")
    ua.add_argument("--unit", help='the sending unit as printed, e.g. "UBND huyện Bù Đăng"')
    ua.set_defaults(func=cmd_unit_report_add)

    un = command("units", help="the unit register")
    unsub = un.add_subparsers(dest="units_command", required=True)
    al = unsub.add_parser("alias", help="names the office confirmed").add_subparsers(dest="alias_command", required=True)
    aa = al.add_parser("add", help='confirm once that a printed name is a unit, e.g. "UBND xã Tân Hưnq" 25345')
    aa.add_argument("alias")
    aa.add_argument("code")
    aa.add_argument("--by", help="who confirms (default: the login name)")
    aa.set_defaults(func=cmd_units_alias_add)

    dd = command("docs", help="write the dbt docs (published/dbt_docs.html) if the project or the warehouse's "
                                     "columns changed since they were written")
    dd.add_argument("--force", action="store_true", help="write them even if nothing they show changed")
    dd.set_defaults(func=cmd_docs)

    c = command("contracts-doc", help="rewrite docs/contracts.md from the source contracts")
    c.set_defaults(func=cmd_contracts_doc)

    n = command("national", help="roll up every province home's published marts into TTHC_HOME/national "
                                        "(national figures = sums of the provinces' own)")
    n.set_defaults(func=cmd_national)

    args = parser.parse_args(argv)
    args.province = getattr(args, "province", None)
    if args.province == "all" and args.command != "report":
        parser.error("--province all is for `tthc report` (the national roll-up itself: `tthc national`)")
    if args.province and args.province != "all":
        os.environ["TTHC_PROVINCE"] = args.province  # every step's paths() is this province's home
    from tthc.config import NoRegister
    from tthc.dbt import DbtFailed

    try:
        return args.func(args)
    except (DbtFailed, NoRegister, ValueError) as exc:
        print(f"tthc {args.command}: failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
