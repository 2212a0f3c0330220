{# dbt's dateadd on Spark. dbt-spark's goes through unix seconds and to_timestamp, which is
   null when `timestamp` is TIMESTAMP_NTZ (the profile's setting, as DuckDB and PostgreSQL
   have it): a date or date-time plus an interval keeps the type and the clock. #}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set fields = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] -%}
    {%- set part = {'quarter': 'month'}.get(datepart, datepart) -%}
    {%- set factor = 3 if datepart == 'quarter' else 1 -%}
    {%- if part not in fields -%}
        {{ exceptions.raise_compiler_error("dateadd on Spark: no date part " ~ datepart) }}
    {%- endif -%}
    ({{ from_date_or_timestamp }} + make_interval(
        {%- for f in fields -%}
            {{ 'cast((' ~ interval ~ ') * ' ~ factor ~ ' as int)' if f == part else '0' }}{{ ', ' if not loop.last }}
        {%- endfor -%}))
{%- endmacro %}
