-- Units' self-reported figures (Excel unit reports) against the portal's, per report
-- table and unit, for the report's own period: received, online, resolved and overdue
-- where the layout carries them, the gap (reported - portal) and its share of what was
-- reported, and the units ranked by the gap in received dossiers. A row with scope
-- 'children' speaks for every unit under its unit (appendix 4's section C: a district's
-- communes; row 10.1: the land office's branches).
with reported as (
    select * from {{ ref('stg_unit_reports__figures') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

dossier_processing as (
    select * from {{ ref('fct_dossier_processing') }}
),

periods as (
    select period_id, period_label, period_start, period_end, is_partial
    from report_periods
    where is_preferred_for_its_days
),

-- the portal units each reported row speaks for
members as (
    select distinct r.report_id, r.sheet, r.row_number, u.unit_code
    from reported as r
    inner join units as u
        on (r.scope = 'self' and u.unit_code = r.unit_code)
        or (r.scope = 'children' and u.parent_code = r.unit_code)
),

portal as (
    select
        m.report_id, m.sheet, m.row_number,
        cast(sum(f.received_total) as bigint) as received,
        cast(sum(f.received_new_online) as bigint) as online,
        cast(sum(f.resolved_total) as bigint) as resolved,
        cast(sum(f.resolved_overdue + f.pending_overdue) as bigint) as overdue
    from members as m
    inner join reported as r using (report_id, sheet, row_number)
    inner join periods as p on p.period_start = r.period_start and p.period_end = r.period_end
    inner join dossier_processing as f
        on f.period_id = p.period_id and f.unit_code = m.unit_code
    group by m.report_id, m.sheet, m.row_number
),

compared as (
    select
        r.report_id,
        r.file_name,
        r.sheet,
        r.layout,
        p.period_id,
        coalesce(p.period_label, {{ day_label('r.period_start') }} || ' – ' || {{ day_label('r.period_end') }}) as period_label,
        r.period_start,
        r.period_end,
        p.period_id is not null and not p.is_partial as portal_covers_period,
        r.row_number,
        r.stt,
        r.unit_name_printed,
        r.unit_code,
        u.unit_name,
        r.scope,
        r.received as received_reported,
        coalesce(pt.received, 0) as received_portal,
        r.online as online_reported,
        coalesce(pt.online, 0) as online_portal,
        r.resolved as resolved_reported,
        coalesce(pt.resolved, 0) as resolved_portal,
        r.overdue as overdue_reported,
        coalesce(pt.overdue, 0) as overdue_portal
    from reported as r
    inner join units as u on u.unit_code = r.unit_code
    left join periods as p on p.period_start = r.period_start and p.period_end = r.period_end
    left join portal as pt using (report_id, sheet, row_number)
)

select
    *,
    received_reported - received_portal as received_gap,
    {{ safe_ratio('received_reported - received_portal', 'received_reported') }} as received_gap_share,
    online_reported - online_portal as online_gap,
    resolved_reported - resolved_portal as resolved_gap,
    overdue_reported - overdue_portal as overdue_gap,
    cast(row_number() over (
        partition by report_id, sheet
        order by received_reported - received_portal desc nulls last, row_number
    ) as bigint) as received_gap_rank  -- bigint in DuckDB and PostgreSQL, int in Spark
from compared
