{# numerator / denominator as a double, null when the denominator is 0 (0 ÷ 0 has no rate:
   the seed prints such rows "Không nhập"). #}
{% macro safe_ratio(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null
         else cast({{ numerator }} as {{ sql_type('double precision') }}) / {{ denominator }} end
{%- endmacro %}
