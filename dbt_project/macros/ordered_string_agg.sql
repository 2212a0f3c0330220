{# The non-null values of `measure` joined by `delimiter`, in the order of `order_by` (one
   expression, ascending). Spark's aggregates take no order (dbt's listagg ignores it there):
   the values are collected with their key, sorted, and joined (null when all are null). #}
{% macro ordered_string_agg(measure, order_by, delimiter="', '") -%}
    {{ return(adapter.dispatch('ordered_string_agg')(measure, order_by, delimiter)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(measure, order_by, delimiter) -%}
    string_agg({{ measure }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(measure, order_by, delimiter) -%}
    case when count({{ measure }}) > 0 then
        array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ measure }} as v))), x -> x.v), {{ delimiter }})
    end
{%- endmacro %}
