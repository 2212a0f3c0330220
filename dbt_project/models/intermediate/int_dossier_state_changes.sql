-- The dossier history as signed changes of what the reports count (decision 0022).
--
-- A version of a dossier counts from the day it is visible (its extract date, or its
-- receipt day if that is later) until the day the next version replaces it. So it adds
-- itself (+1) on the first day and takes itself back (-1) on the second, each time with
-- the attributes the reports read. Rows with the same attributes and day are summed and
-- zeros dropped: a change that alters nothing a report reads (a result handed back)
-- cancels out. The dossiers as they stood on a day D are the sum of the rows with
-- change_day <= D; a period's counts are such sums (int_unit_daily_open_dossiers,
-- int_new_dossiers_by_period, int_unit_period_counts), so the cost grows with the
-- dossiers once, not with dossiers x periods.
--
-- new_day: the receipt day, or the day the dossier ended if that is earlier (a closing
-- dated before receipt): a dossier is new in a period starting on or before it.
-- end_day: the day it was finished or closed otherwise; null while pending.
with versions as (
    select * from {{ ref('int_dossier_versions') }}
),

payment_transactions as (
    select * from {{ ref('int_payment_transactions') }}
),

first_payments as (
    select dossier_code, min(paid_day) as paid_day
    from payment_transactions
    where paid_at is not null
    group by dossier_code
),

dated as (
    select
        v.unit_code,
        v.procedure_code,
        v.channel,
        cast(v.received_at as date) as received_day,
        cast(v.finished_at as date) as finished_day,
        cast(v.closed_at as date) as closed_day,
        cast(v.due_at as date) as due_day,
        v.components_digitized,
        v.result_digitized,
        v.digitized_data_reused,
        v.fee_required,
        p.paid_day,
        v.valid_from,
        v.valid_to
    from versions as v
    left join first_payments as p on p.dossier_code = v.dossier_code
    where v.received_at is not null
),

visible as (
    select *,
        greatest(valid_from, received_day) as visible_from,
        least(finished_day, closed_day) as end_day
    from dated
),

versions_counted as (
    select
        unit_code,
        procedure_code,
        channel,
        visible_from,
        valid_to,
        least(received_day, end_day) as new_day,
        end_day,
        finished_day is not null as is_resolved,
        -- a resolved dossier without a due date had no deadline to miss
        finished_day is not null and finished_day <= coalesce(due_day, finished_day) as is_resolved_on_time,
        coalesce(finished_day > due_day, false) as is_resolved_overdue,
        closed_day is not null as is_closed_otherwise,
        -- only a pending dossier's due day is read (overdue as of a day); null otherwise
        case when end_day is null then due_day end as due_day,
        components_digitized,
        result_digitized,
        digitized_data_reused,
        fee_required,
        paid_day
    from visible
    -- a version replaced before its dossier's receipt day was never visible
    where valid_to is null or visible_from < valid_to
),

signed as (
    select visible_from as change_day, 1 as sign, * from versions_counted
    union all
    select valid_to as change_day, -1 as sign, * from versions_counted where valid_to is not null
)

select
    unit_code,
    procedure_code,
    channel,
    change_day,
    new_day,
    end_day,
    due_day,
    is_resolved,
    is_resolved_on_time,
    is_resolved_overdue,
    is_closed_otherwise,
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_day,
    sum(sign) as dossiers
from signed
group by
    unit_code, procedure_code, channel, change_day, new_day, end_day, due_day, is_resolved, is_resolved_on_time,
    is_resolved_overdue, is_closed_otherwise, components_digitized, result_digitized, digitized_data_reused,
    fee_required, paid_day
having sum(sign) <> 0
