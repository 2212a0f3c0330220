{# A date part as text, e.g. for period ids and labels; portable across DuckDB and PostgreSQL. #}
{% macro part_of(part, column) -%}
    cast(cast(extract({{ part }} from {{ column }}) as integer) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro year_of(column) -%}
    {{ part_of('year', column) }}
{%- endmacro %}
