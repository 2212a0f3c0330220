-- Every KPI counts a subset: 0 <= numerator <= denominator, and a rate only where the
-- denominator is not 0. Rows returned break it.
select kpi, period_id, scope, scope_code, numerator, denominator, rate
from {{ ref('fct_kpi_scorecard') }}
where numerator < 0 or numerator > denominator
   or (denominator = 0) <> (rate is null)
