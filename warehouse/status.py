"""What `tthc status` prints: per source what is loaded, which days are missing, what was quarantined and why."""

from __future__ import annotations

import duckdb

from tthc.config import Paths


def status_lines(paths: Paths) -> list[str]:
    if not paths.warehouse.exists():
        return [f"no warehouse yet at {paths.warehouse}: run `tthc run --date D` first"]
    # Read-only: status must not wait for, or block, a writer longer than it takes to read.
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        lines = [f"warehouse  {paths.warehouse}", f"published  {paths.published}", ""]
        for source, current, first, last, days, pending in con.execute("""
            select source, count(*) filter (where status = 'current'),
                   min(extract_date) filter (where status = 'current'), max(extract_date) filter (where status = 'current'),
                   count(distinct extract_date) filter (where status = 'current'),
                   count(*) filter (where status = 'pending')
            from raw.load_manifest group by source order by source""").fetchall():
            span = (last - first).days + 1 if first else 0
            lines.append(f"{source:10} {current} current load(s), extracts {first} .. {last}"
                         + (f", {span - days} day(s) missing" if span > days else "")
                         + (f", {pending} pending" if pending else ""))
            if span > days:
                missing = con.execute("""
                    select cast(d as date) from generate_series(cast(? as timestamp), cast(? as timestamp), interval '1 day') t(d)
                    where cast(d as date) not in (select extract_date from raw.load_manifest where source = ? and status = 'current')
                    order by 1 limit 10""", [first, last, source]).fetchall()
                lines.append("           missing: " + ", ".join(str(m[0]) for m in missing))
        quarantined = con.execute("""
            select m.file_name, m.load_id, m.reason, m.received_at from raw.load_manifest m
            where m.status = 'quarantined' order by m.received_at desc limit 20""").fetchall()
        lines += ["", f"quarantined files: {len(quarantined)}" + (" (latest 20)" if len(quarantined) == 20 else "")]
        for name, load_id, reason, at in quarantined:
            lines.append(f"  {name}  [{load_id}, {at:%Y-%m-%d %H:%M}]")
            lines.append(f"    {reason}")
        last_run = con.execute("select run_id from audit.validation_results order by validated_at desc limit 1").fetchone()
        if last_run:
            failed = con.execute("""select suite, expectation, severity, unexpected_count from audit.validation_results
                                    where run_id = ? and not success order by suite, expectation""", [last_run[0]]).fetchall()
            lines += ["", f"last validation run {last_run[0]}: {len(failed)} check(s) failed"]
            lines += [f"  {suite}.{name} [{severity}]: {n} row(s)" for suite, name, severity, n in failed]
        return lines
    finally:
        con.close()
