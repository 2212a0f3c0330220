-- Per report period and unit, every count the dossier reports need, as of the period's
-- as-of day (its last day, or the last day with data for a period in progress). A dossier
-- counts in a period when it was received by the as-of day and was still open at the
-- period's start; it is in its state as of the as-of day. Three sums, each over a
-- structure that grows with units x days or with the dossiers once (decision 0022):
--   pending    int_pending_dossiers_by_period (from int_unit_daily_open_dossiers)
--   ended      int_ended_dossiers_by_period
--   new        int_new_dossiers_by_period
-- Received = pending + ended; carried over = received - new (all channels).
with pending_dossiers as (
    select * from {{ ref('int_pending_dossiers_by_period') }}
),

ended_dossiers as (
    select * from {{ ref('int_ended_dossiers_by_period') }}
),

new_dossiers as (
    select * from {{ ref('int_new_dossiers_by_period') }}
),

new as (
    select
        period_id,
        unit_code,
        sum(dossiers) as new_any_channel,
        sum(case when channel = 2 then dossiers else 0 end) as new_online,
        sum(case when channel in (1, 3) then dossiers else 0 end) as new_offline,
        sum(case when channel in (1, 2, 3) then components_digitized else 0 end) as components_digitized,
        sum(case when channel in (1, 2, 3) then data_reused else 0 end) as data_reused,
        sum(case when channel in (1, 2, 3) then with_fees else 0 end) as with_fees,
        sum(case when channel in (1, 2, 3) then with_fees_paid_online else 0 end) as with_fees_paid_online
    from new_dossiers
    group by period_id, unit_code
),

period_units as (
    select period_id, unit_code from pending_dossiers
    union
    select period_id, unit_code from ended_dossiers
    union
    select period_id, unit_code from new
),

counts as (
    select
        k.period_id,
        k.unit_code,
        coalesce(o.pending, 0) as pending,
        coalesce(o.pending_overdue, 0) as pending_overdue,
        coalesce(e.ended, 0) as ended,
        coalesce(e.resolved, 0) as resolved,
        coalesce(e.resolved_on_time, 0) as resolved_on_time,
        coalesce(e.resolved_overdue, 0) as resolved_overdue,
        coalesce(e.closed_otherwise, 0) as closed_otherwise,
        coalesce(e.digitized_resolved, 0) as digitized_resolved,
        coalesce(e.results_digitized, 0) as results_digitized,
        coalesce(n.new_any_channel, 0) as new_any_channel,
        coalesce(n.new_online, 0) as new_online,
        coalesce(n.new_offline, 0) as new_offline,
        coalesce(n.components_digitized, 0) as components_digitized,
        coalesce(n.data_reused, 0) as data_reused,
        coalesce(n.with_fees, 0) as with_fees,
        coalesce(n.with_fees_paid_online, 0) as with_fees_paid_online
    from period_units as k
    left join pending_dossiers as o on o.period_id = k.period_id and o.unit_code = k.unit_code
    left join ended_dossiers as e on e.period_id = k.period_id and e.unit_code = k.unit_code
    left join new as n on n.period_id = k.period_id and n.unit_code = k.unit_code
)

select
    period_id,
    unit_code,
    cast(pending + ended as bigint) as received_total,
    cast(new_online as bigint) as received_new_online,
    cast(pending + ended - new_any_channel as bigint) as received_carried_over,
    cast(new_offline as bigint) as received_new_offline,
    cast(resolved as bigint) as resolved_total,
    cast(resolved_on_time as bigint) as resolved_on_time,
    cast(resolved_overdue as bigint) as resolved_overdue,
    cast(pending as bigint) as pending_total,
    cast(pending - pending_overdue as bigint) as pending_not_due,
    cast(pending_overdue as bigint) as pending_overdue,
    cast(closed_otherwise as bigint) as closed_otherwise,
    cast(digitized_resolved as bigint) as digitized_resolved,
    cast(new_online + new_offline as bigint) as received_dossiers,
    cast(components_digitized as bigint) as components_digitized,
    cast(results_digitized as bigint) as results_digitized,
    cast(data_reused as bigint) as data_reused,
    cast(with_fees as bigint) as dossiers_with_fees,
    cast(with_fees_paid_online as bigint) as dossiers_paid_online
from counts
-- a unit with nothing counted in the period has no row (as when dossiers were counted one by one)
where pending + ended > 0
