-- The daily operational lists, as of the last extract day (or the var `as_of`):
--   due_soon     open dossiers due within `early_warning_days` days (default 3): the early
--                warning the plans ask for, so that units act before a dossier is late;
--   overdue      open dossiers past their due day;
--   resolved_overdue_without_apology
--                dossiers resolved after their due day with no apology letter sent at
--                least one day before the due day (seed 004 §II.5).
-- One row per dossier and list; dossier codes only, no personal data.
{% set early_warning_days = var('early_warning_days', 3) %}
with dossier_versions as (
    select * from {{ ref('int_dossier_versions') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

as_of as (
    select coalesce(
        {% if var('as_of', '') %}cast('{{ var("as_of") }}' as date){% else %}null{% endif %},
        (select max(valid_from) from dossier_versions)
    ) as as_of_date
),

state as (
    select v.*, a.as_of_date,
        cast(v.due_at as date) as due_day,
        cast(v.finished_at as date) as finished_day
    from dossier_versions as v
    cross join as_of as a
    where v.valid_from <= a.as_of_date and (v.valid_to is null or v.valid_to > a.as_of_date)
      and v.received_at is not null
),

listed as (
    select 'due_soon' as list_kind, * from state
    where finished_at is null and closed_at is null
      and due_day between as_of_date and as_of_date + {{ early_warning_days }}
    union all
    select 'overdue', * from state
    where finished_at is null and closed_at is null and due_day < as_of_date
    union all
    select 'resolved_overdue_without_apology', * from state
    where finished_day > due_day
      and (apology_sent_at is null or cast(apology_sent_at as date) > due_day - 1)
)

select
    l.list_kind,
    l.as_of_date,
    l.dossier_code,
    l.unit_code,
    coalesce(h.unit_name, u.unit_name) as unit_name,
    u.section,
    u.district_code,
    l.procedure_code,
    l.channel,
    l.status,
    l.received_at,
    l.due_at,
    l.finished_at,
    l.apology_sent_at,
    -- a day count is bigint in DuckDB and integer in PostgreSQL: say which
    cast(case l.list_kind
        when 'due_soon' then l.due_day - l.as_of_date
    end as bigint) as days_left,
    cast(case l.list_kind
        when 'overdue' then l.as_of_date - l.due_day
        when 'resolved_overdue_without_apology' then l.finished_day - l.due_day
    end as bigint) as days_overdue,
    case
        when l.apology_sent_at is null then 'none'
        when cast(l.apology_sent_at as date) <= l.due_day - 1 then 'in_time'
        else 'too_late'
    end as apology
from listed as l
left join units as u on u.unit_code = l.unit_code
left join unit_history as h
    on h.unit_code = l.unit_code and l.as_of_date between h.valid_from and h.valid_until
