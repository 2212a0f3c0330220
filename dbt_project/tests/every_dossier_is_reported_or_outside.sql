-- No dossier is lost between the period's dossiers and its report: the processing
-- report's total plus the dossiers outside it (units with no place and no successor in
-- the period's report) equals every dossier counted in the period. Rows returned disagree.
with counted as (
    select period_id, sum(received_total) as dossiers from {{ ref('int_unit_period_counts') }} group by period_id
),

reported as (
    select period_id, received_total from {{ ref('rpt_processing_report') }} where row_kind = 'total'
),

outside as (
    select period_id, sum(dossiers) as dossiers from {{ ref('rpt_dossiers_outside_the_report') }} group by period_id
)

select c.period_id, c.dossiers, r.received_total, o.dossiers as outside
from counted as c
left join reported as r on r.period_id = c.period_id
left join outside as o on o.period_id = c.period_id
where c.dossiers <> coalesce(r.received_total, 0) + coalesce(o.dossiers, 0)
