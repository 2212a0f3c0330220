-- The dossiers new in each report period, per unit, service and channel: received on or
-- after the period's start and counted by its as-of day, in their state as of that day.
-- A row of int_dossier_state_changes is in a period when its change is known by the
-- as-of day (change_day <= as_of_day) and its dossier is new in it (new_day >=
-- period_start; new_day <= change_day always, so a change meets only the periods around
-- its own days, never every later period). Read by the unit counts and by the
-- online-service uptake (which needs the service).
with state_changes as (
    select * from {{ ref('int_dossier_state_changes') }}
),

report_periods as (
    select * from {{ ref('int_report_periods') }}
)

select
    p.period_id,
    c.unit_code,
    c.procedure_code,
    c.channel,
    cast(sum(c.dossiers) as bigint) as dossiers,
    cast(sum(case when c.components_digitized then c.dossiers else 0 end) as bigint) as components_digitized,
    cast(sum(case when c.digitized_data_reused then c.dossiers else 0 end) as bigint) as data_reused,
    cast(sum(case when c.fee_required then c.dossiers else 0 end) as bigint) as with_fees,
    cast(sum(case when c.fee_required and c.paid_day <= p.as_of_day then c.dossiers else 0 end) as bigint)
        as with_fees_paid_online
from state_changes as c
inner join report_periods as p
    on c.change_day <= p.as_of_day and c.new_day >= p.period_start
group by p.period_id, c.unit_code, c.procedure_code, c.channel
