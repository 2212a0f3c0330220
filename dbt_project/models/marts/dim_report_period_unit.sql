-- The units every unit-level mart has a row for in a period: each unit of the register
-- with a report section that is in force on some day of the period, whether or not it
-- received a dossier (zero counts, a null rate), so that no unit vanishes from a report.
select p.period_id, u.unit_code
from {{ ref('dim_report_period') }} as p
inner join {{ ref('dim_unit') }} as u
    on u.section is not null
    and u.valid_from <= p.period_end
    and (u.valid_to is null or u.valid_to >= p.period_start)
