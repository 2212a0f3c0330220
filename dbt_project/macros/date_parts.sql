{# A date part as text, e.g. for period ids and labels; portable across DuckDB, PostgreSQL and Spark. #}
{% macro part_of(part, column) -%}
    cast(cast(extract({{ part }} from {{ column }}) as integer) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro year_of(column) -%}
    {{ part_of('year', column) }}
{%- endmacro %}

{# A date as text: day_label 'dd/mm/yyyy' (as the documents print it), day_key 'yyyymmdd' (ids). #}
{% macro day_label(column) -%}{{ return(adapter.dispatch('format_day')(column, 'label')) }}{%- endmacro %}
{% macro day_key(column) -%}{{ return(adapter.dispatch('format_day')(column, 'key')) }}{%- endmacro %}

{% macro default__format_day(column, style) -%}
    strftime({{ column }}, '{{ "%d/%m/%Y" if style == "label" else "%Y%m%d" }}')
{%- endmacro %}

{% macro spark__format_day(column, style) -%}
    date_format({{ column }}, '{{ "dd/MM/yyyy" if style == "label" else "yyyyMMdd" }}')
{%- endmacro %}

{% macro postgres__format_day(column, style) -%}
    to_char({{ column }}, '{{ "DD/MM/YYYY" if style == "label" else "YYYYMMDD" }}')
{%- endmacro %}

{# The ISO day of the week, 1 (Monday) to 7 (Sunday). #}
{% macro iso_day_of_week(column) -%}{{ return(adapter.dispatch('iso_day_of_week')(column)) }}{%- endmacro %}
{% macro default__iso_day_of_week(column) -%}extract(isodow from {{ column }}){%- endmacro %}
{% macro spark__iso_day_of_week(column) -%}extract(dayofweek_iso from {{ column }}){%- endmacro %}
