{# A total column equals the sum of its part columns on every row: an identity that holds
   by construction on the platform's own figures, so a row returned is a bug. #}
{% test total_is_sum_of(model, column_name, parts) %}
select *
from {{ model }}
where {{ column_name }} <> {{ parts | join(' + ') }}
{% endtest %}
