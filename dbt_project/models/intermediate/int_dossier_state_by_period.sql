-- Every dossier that counts in a report period, with its state as of the period's as-of
-- day (its last day, or the last day with data for a period in progress) and its place in
-- the processing report. A dossier counts when it was received by the as-of day and was
-- still open at the period's start.
--
-- "On time" compares the day processing finished with the due day (day level, as the
-- report form does); the return date is not used. Pending dossiers are overdue when their
-- due day is before the as-of day: on 14/03 a dossier due on 15/03 is not yet overdue.
--
-- Incremental: a build deletes the rows of changed dossiers (int_dossiers_to_rebuild) and of
-- periods that are gone or whose days changed (the as-of day moves with every day of data
-- in a period in progress), then adds the changed dossiers in every
-- period and every dossier in a period not yet built (a new month, a free period).
-- A table built before a column this model now has (as_of_day) is emptied and rebuilt
-- whole, so an upgrade needs no --full-refresh.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{% if is_incremental() %}
        delete from {{ this }}
        {% if 'as_of_day' in adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
        where dossier_code in (select dossier_code from {{ ref('int_dossiers_to_rebuild') }})
           or not exists (
               select 1 from {{ ref('int_report_periods') }} as p
               where p.period_id = {{ this.identifier }}.period_id
                 and p.period_start = {{ this.identifier }}.period_start
                 and p.period_end = {{ this.identifier }}.period_end
                 and p.as_of_day = {{ this.identifier }}.as_of_day)
        {% endif %}
    {% endif %}",
) }}
-- depends_on: {{ ref('int_dossiers_to_rebuild') }}

with report_periods as (
    select * from {{ ref('int_report_periods') }}
),

dossier_versions as (
    select * from {{ ref('int_dossier_versions') }}
),

dossiers_to_rebuild as (
    select * from {{ ref('int_dossiers_to_rebuild') }}
),

periods as (
    select period_id, period_start, period_end, as_of_day,
        {% if is_incremental() -%}
        period_id not in (select distinct period_id from {{ this }}) as is_new
        {%- else -%}
        true as is_new
        {%- endif %}
    from report_periods
),

state_at_end as (
    select p.period_id, p.period_start, p.period_end, p.as_of_day, v.*
    from periods as p
    inner join dossier_versions as v
        on v.valid_from <= p.as_of_day
        and (v.valid_to is null or v.valid_to > p.as_of_day)
    where v.received_at is not null
      and cast(v.received_at as date) <= p.as_of_day
      {% if is_incremental() -%}
      and (p.is_new or v.dossier_code in (select dossier_code from dossiers_to_rebuild))
      {%- endif %}
),

dated as (
    select *,
        cast(received_at as date) as received_day,
        cast(finished_at as date) as finished_day,
        cast(closed_at as date) as closed_day,
        cast(due_at as date) as due_day
    from state_at_end
)

select
    period_id,
    period_start,
    period_end,
    as_of_day,
    dossier_code,
    procedure_code,
    unit_code,
    channel,
    status,
    received_day >= period_start and channel = 2 as is_new_online,
    received_day >= period_start and channel in (1, 3) as is_new_offline,
    received_day < period_start as is_carried_over,
    finished_day is not null as is_resolved,
    -- a resolved dossier without a due date had no deadline to miss
    finished_day is not null and finished_day <= coalesce(due_day, finished_day) as is_resolved_on_time,
    finished_day is not null and finished_day > due_day as is_resolved_overdue,
    finished_day is null and closed_day is null as is_pending,
    finished_day is null and closed_day is null and (due_day is null or due_day >= as_of_day) as is_pending_not_due,
    finished_day is null and closed_day is null and due_day < as_of_day as is_pending_overdue,
    closed_day is not null as is_closed_otherwise,
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_online
from dated
where (finished_day is null or finished_day >= period_start)
  and (closed_day is null or closed_day >= period_start)
