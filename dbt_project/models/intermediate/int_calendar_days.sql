-- Every day from the first dossier received (or the first extract) to the last extract,
-- with its month, quarter and year.
with versions as (
    -- one version per current extract row: a cheaper read than staging
    select * from {{ ref('int_dossier_versions') }}
),

bounds as (
    select
        least(min(cast(received_at as date)), min(valid_from)) as first_day,
        max(valid_from) as last_day
    from versions
),

days as (
    {{ date_spine("(select first_day from bounds)", "(select last_day from bounds)") }}
)

select
    date_day,
    extract(year from date_day) as year,
    extract(quarter from date_day) as quarter,
    extract(month from date_day) as month,
    extract(day from date_day) as day_of_month,
    {{ iso_day_of_week('date_day') }} as iso_day_of_week,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
    cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
from days
