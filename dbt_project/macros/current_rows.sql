{# The rows of a raw source that come from its current loads (raw.load_manifest), one per
   key and extract day: when an extract repeats a key, its last change wins. #}
{% macro current_rows(source_name, key_columns, order_by='r.updated_at desc, r._row_number desc') -%}
    {{ return(adapter.dispatch('current_rows')(source_name, key_columns, order_by)) }}
{%- endmacro %}

{# DuckDB: qualify, which lets the incremental builds' literal dossier list reach the raw
   scan through the window (decision 0008). #}
{% macro default__current_rows(source_name, key_columns, order_by) -%}
(
    select r.*
    from {{ source('raw', source_name) }} as r
    inner join {{ source('raw', 'load_manifest') }} as m
        on m.load_id = r._load_id and m.source = '{{ source_name }}' and m.status = 'current'
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }}, r._extract_date order by {{ order_by }}
    ) = 1
)
{%- endmacro %}

{# PostgreSQL has no qualify; distinct on keeps the first row of each key and day. #}
{% macro postgres__current_rows(source_name, key_columns, order_by) -%}
(
    select distinct on ({{ key_columns | join(', ') }}, r._extract_date) r.*
    from {{ source('raw', source_name) }} as r
    inner join {{ source('raw', 'load_manifest') }} as m
        on m.load_id = r._load_id and m.source = '{{ source_name }}' and m.status = 'current'
    order by {{ key_columns | join(', ') }}, r._extract_date, {{ order_by }}
)
{%- endmacro %}
