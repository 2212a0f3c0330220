-- Under which unit of a period's report each unit's dossiers count: itself while it is in
-- force on the period's as-of day, else the unit that took over from it by then (seed
-- unit_crosswalk_2025), so that a dossier received by a commune that ended on 30/06/2025
-- and still open afterwards counts under its successor, and a period that spans the
-- reform is reported by the units in force at its end. A unit with neither is absent:
-- its dossiers are findings (rpt_unit_findings), never counted under a unit that no
-- longer exists.
with report_units as (
    select * from {{ ref('dim_report_period_unit') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
)

select r.period_id, r.unit_code, r.unit_code as report_unit_code
from report_units as r
union all
select p.period_id, w.old_code, w.new_code
from report_periods as p
inner join crosswalk as w on w.valid_from <= p.as_of_day
inner join report_units as r on r.period_id = p.period_id and r.unit_code = w.new_code
where not exists (select 1 from report_units as s where s.period_id = p.period_id and s.unit_code = w.old_code)
