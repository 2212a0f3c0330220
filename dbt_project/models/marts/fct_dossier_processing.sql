-- The processing figures (form II.06a) per report period and unit. See
-- int_dossier_state_by_period for what each count means.
select
    s.period_id,
    s.unit_code,
    cast(count(*) as bigint) as received_total,
    cast(sum(case when s.is_new_online then 1 else 0 end) as bigint) as received_new_online,
    cast(sum(case when s.is_carried_over then 1 else 0 end) as bigint) as received_carried_over,
    cast(sum(case when s.is_new_offline then 1 else 0 end) as bigint) as received_new_offline,
    cast(sum(case when s.is_resolved then 1 else 0 end) as bigint) as resolved_total,
    cast(sum(case when s.is_resolved_on_time then 1 else 0 end) as bigint) as resolved_on_time,
    cast(sum(case when s.is_resolved_overdue then 1 else 0 end) as bigint) as resolved_overdue,
    cast(sum(case when s.is_pending then 1 else 0 end) as bigint) as pending_total,
    cast(sum(case when s.is_pending_not_due then 1 else 0 end) as bigint) as pending_not_due,
    cast(sum(case when s.is_pending_overdue then 1 else 0 end) as bigint) as pending_overdue,
    cast(sum(case when s.is_closed_otherwise then 1 else 0 end) as bigint) as closed_otherwise
from {{ ref('int_dossier_state_by_period') }} as s
group by s.period_id, s.unit_code
