{# The rows of a base model that come from current loads (base_portal__loads.is_current),
   one per key and extract day: when an extract repeats a key, its last change wins. The
   one place where "current" is applied; every portal staging model reads through it. #}
{% macro current_rows(base_model, key_columns, order_by='r.updated_at desc, r.file_row_number desc') -%}
    {{ return(adapter.dispatch('current_rows')(base_model, key_columns, order_by)) }}
{%- endmacro %}

{% macro default__current_rows(base_model, key_columns, order_by) -%}
(
    select r.*
    from {{ ref(base_model) }} as r
    inner join {{ ref('base_portal__loads') }} as l
        on l.load_id = r.load_id and l.is_current
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }}, r.extract_date order by {{ order_by }}
    ) = 1
)
{%- endmacro %}

{# PostgreSQL has no qualify; distinct on keeps the first row of each key and day. #}
{% macro postgres__current_rows(base_model, key_columns, order_by) -%}
(
    select distinct on ({{ key_columns | join(', ') }}, r.extract_date) r.*
    from {{ ref(base_model) }} as r
    inner join {{ ref('base_portal__loads') }} as l
        on l.load_id = r.load_id and l.is_current
    order by {{ key_columns | join(', ') }}, r.extract_date, {{ order_by }}
)
{%- endmacro %}

{# Spark has neither: number the rows, keep the first, and list the base model's columns
   (no `* except` there either). #}
{% macro spark__current_rows(base_model, key_columns, order_by) -%}
{%- set columns = adapter.get_columns_in_relation(ref(base_model)) | map(attribute='name') | list if execute else ['*'] -%}
(
    select {{ columns | join(', ') }}
    from (
        select r.*, row_number() over (
            partition by {{ key_columns | join(', ') }}, r.extract_date order by {{ order_by }}
        ) as current_row_number
        from {{ ref(base_model) }} as r
        inner join {{ ref('base_portal__loads') }} as l
            on l.load_id = r.load_id and l.is_current
    ) as numbered
    where current_row_number = 1
)
{%- endmacro %}
