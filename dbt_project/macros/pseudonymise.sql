{# A salted SHA-256 of a personal identifier: the same citizen gets the same key across
   dossiers, and the identifier itself never leaves staging. #}
{% macro pseudonymise(column) -%}
    case when {{ column }} is null then null
         else {{ tthc_sha256("'" ~ var('pii_salt') ~ "' || " ~ column) }} end
{%- endmacro %}

{% macro tthc_sha256(expression) -%}
    {{ return(adapter.dispatch('tthc_sha256')(expression)) }}
{%- endmacro %}

{% macro default__tthc_sha256(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__tthc_sha256(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}
