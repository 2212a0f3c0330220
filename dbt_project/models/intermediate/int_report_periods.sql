-- The periods every report mart is computed for: each calendar month, quarter and year
-- that the data touches, the named periods of the documents (seed report_periods), and
-- the periods of the unit reports loaded (to reconcile them with the portal), and one
-- ad-hoc period when the vars report_from / report_to are given. Only periods that
-- reach into the extracts' span; a period the extracts do not cover whole is partial.
-- Every figure of a period is as of its as_of_day: its last day, or the last day with
-- data when the extracts stop before it (the month in progress is counted as of today's
-- extract, not as of the 31st).
with versions as (
    select * from {{ ref('int_dossier_versions') }}
),

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

named_periods as (
    select * from {{ ref('report_periods') }}
),

unit_report_figures as (
    select * from {{ ref('stg_unit_reports__figures') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
),

-- whose portal the home's extracts came from before 01/07/2025
home as (
    select * from {{ ref('home_province') }}
),

bounds as (
    -- one version per current extract row: a cheaper read than staging
    select min(valid_from) as first_day, max(valid_from) as last_day from versions
),

calendar as (
    select distinct 'month' as period_kind, month_start as period_start from calendar_days
    union all
    select distinct 'quarter', quarter_start from calendar_days
    union all
    select distinct 'year', year_start from calendar_days
),

calendar_periods as (
    select
        period_kind,
        period_start,
        cast(case period_kind
            when 'month' then {{ dbt.dateadd('month', 1, 'period_start') }}
            when 'quarter' then {{ dbt.dateadd('month', 3, 'period_start') }}
            else {{ dbt.dateadd('year', 1, 'period_start') }}
        end as date) - 1 as period_end
    from calendar
),

named as (
    select period_id, period_label, 'named' as period_kind, period_start, period_end
    from named_periods
),

-- a unit report's period, unless a named period already spans the same days
unit_report_periods as (
    select distinct
        'report_' || {{ day_key('period_start') }} || '_' || {{ day_key('period_end') }} as period_id,
        {{ day_label('period_start') }} || ' – ' || {{ day_label('period_end') }} as period_label,
        'unit_report' as period_kind,
        period_start,
        period_end
    from unit_report_figures as f
    where not exists (
        select 1 from named as n where n.period_start = f.period_start and n.period_end = f.period_end
    )
),

{% if var('report_from') and var('report_to') %}
adhoc as (
    select
        'adhoc_{{ var("report_from") | replace("-", "") }}_{{ var("report_to") | replace("-", "") }}' as period_id,
        {{ day_label("cast('" ~ var("report_from") ~ "' as date)") }} || ' – ' || {{ day_label("cast('" ~ var("report_to") ~ "' as date)") }} as period_label,
        'adhoc' as period_kind,
        cast('{{ var("report_from") }}' as date) as period_start,
        cast('{{ var("report_to") }}' as date) as period_end
),
{% endif %}

all_periods as (
    select
        case period_kind
            when 'month' then 'month_' || {{ year_of('period_start') }} || '_' || lpad({{ part_of('month', 'period_start') }}, 2, '0')
            when 'quarter' then 'quarter_' || {{ year_of('period_start') }} || '_' || {{ part_of('quarter', 'period_start') }}
            else 'year_' || {{ year_of('period_start') }}
        end as period_id,
        case period_kind
            when 'month' then 'Tháng ' || {{ part_of('month', 'period_start') }} || '/' || {{ year_of('period_start') }}
            when 'quarter' then 'Quý ' || {{ part_of('quarter', 'period_start') }} || '/' || {{ year_of('period_start') }}
            else 'Năm ' || {{ year_of('period_start') }}
        end as period_label,
        period_kind,
        period_start,
        period_end
    from calendar_periods
    union all
    select * from named
    union all
    select * from unit_report_periods
    {% if var('report_from') and var('report_to') %}
    union all
    select * from adhoc
    {% endif %}
)

select
    p.period_id,
    p.period_label,
    p.period_kind,
    p.period_start,
    cast(p.period_end as date) as period_end,
    cast(least(p.period_end, b.last_day) as date) as as_of_day,
    p.period_start < b.first_day or p.period_end > b.last_day as is_partial,
    -- the province the platform reports on the as-of day: the portal's (Bình Phước, 70, in the
    -- demo), or the province it became part of
    coalesce(w.new_code, h.portal_province_code) as province_code,
    -- the 2025 reform falls inside the period: it is reported by the units of its as-of day
    coalesce(w.valid_from > p.period_start, false) as spans_reorganisation
from all_periods as p
cross join bounds as b
cross join home as h
left join crosswalk as w
    on w.old_code = h.portal_province_code and w.valid_from <= least(p.period_end, b.last_day)
where p.period_start <= b.last_day and p.period_end >= b.first_day
