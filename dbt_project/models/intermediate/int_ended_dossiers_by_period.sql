-- The dossiers that ended in each report period, per unit: finished or closed otherwise
-- on or after the period's start, in their state as of its as-of day. A row of
-- int_dossier_state_changes is in a period when its change is known by the as-of day
-- (change_day <= as_of_day) and its dossier ended on or after the period's start; the
-- change of a dossier that ends is on or after its end day, so it meets only the periods
-- around those days. "On time" compares the day processing finished with the due day (day
-- level, as the report form does); the return date is not used.
with state_changes as (
    select * from {{ ref('int_dossier_state_changes') }}
),

report_periods as (
    select * from {{ ref('int_report_periods') }}
)

select
    p.period_id,
    c.unit_code,
    cast(sum(c.dossiers) as bigint) as ended,
    cast(sum(case when c.is_resolved then c.dossiers else 0 end) as bigint) as resolved,
    cast(sum(case when c.is_resolved_on_time then c.dossiers else 0 end) as bigint) as resolved_on_time,
    cast(sum(case when c.is_resolved_overdue then c.dossiers else 0 end) as bigint) as resolved_overdue,
    cast(sum(case when c.is_closed_otherwise then c.dossiers else 0 end) as bigint) as closed_otherwise,
    cast(sum(case when c.is_resolved and c.components_digitized and c.result_digitized then c.dossiers else 0 end)
        as bigint) as digitized_resolved,
    cast(sum(case when c.is_resolved and c.result_digitized then c.dossiers else 0 end) as bigint) as results_digitized
from state_changes as c
inner join report_periods as p
    on c.change_day <= p.as_of_day and c.end_day >= p.period_start
group by p.period_id, c.unit_code
