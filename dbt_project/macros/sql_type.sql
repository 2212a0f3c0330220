{# A type as the engine spells it. The project writes varchar and double precision (seed
   column_types, contract data_types, casts); Spark has neither (a varchar needs a length),
   so there they are string and double. spark__cast and spark__safe_cast apply it to dbt's
   own casts: the contracts' type checks and the unit tests' fixtures. #}
{% macro sql_type(name) -%}
    {{ return(adapter.dispatch('sql_type')(name)) }}
{%- endmacro %}

{% macro default__sql_type(name) -%}{{ return(name) }}{%- endmacro %}

{% macro spark__sql_type(name) -%}
    {{ return({'varchar': 'string', 'text': 'string', 'double precision': 'double'}.get(name | lower | trim, name)) }}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ sql_type(type) }})
{%- endmacro %}

{# dbt-spark's spark__safe_cast, with the type through sql_type #}
{% macro spark__safe_cast(field, type) -%}
    {%- set type = sql_type(type) -%}
    {%- set field = field.strip('"').strip("'") if (cast_from_string_unsupported_for(type) and field is string) else field -%}
    cast({{ field }} as {{ type }})
{%- endmacro %}
