-- Online-service uptake (tỷ lệ DVCTT phát sinh hồ sơ; appendix 1): online services (mức
-- độ 3, 4; from 01/07/2022 toàn trình or một phần) with at least one dossier received
-- online in the period ÷ all online services the unit provides, per unit and for the
-- province (the period's province code, 70 then 75, counting each service code once). The catalogue is taken as
-- it stood on the period's last day (dim_service), so a service upgraded in mid-period
-- counts at its new level. A department provides its own provincial services, a
-- land-registration branch those of the natural-resources department, a district or
-- commune committee the whole catalogue of its tier. Besides the rate, the appendix 1
-- view: services with online dossiers, with only paper dossiers, and with none.
with report_units as (
    select * from {{ ref('dim_report_scope') }} where scope = 'unit'
),

services as (
    select * from {{ ref('dim_service') }}
),

new_dossiers as (
    select * from {{ ref('int_new_dossiers_by_period') }}
),

report_unit_of as (
    select * from {{ ref('dim_report_unit_of') }}
),

periods as (
    select distinct period_id, as_of_day, province_code from report_units
),

catalogue_at_end as (
    select p.period_id, s.service_code, s.tier, s.agency_code, s.is_online_service
    from periods as p
    inner join services as s
        on s.valid_from <= p.as_of_day and (s.valid_to is null or p.as_of_day < s.valid_to)
),

-- the units the period reports, each with the services it provides
provided as (
    select c.period_id, u.unit_code, c.service_code, c.is_online_service
    from catalogue_at_end as c
    inner join report_units as u on u.period_id = c.period_id and (
        (u.unit_kind = 'department' and c.tier = 'province' and c.agency_code = u.unit_code)
        or (u.unit_kind = 'land_branch' and c.tier = 'province' and c.agency_code = 'DEP-TNMT')
        or (u.unit_kind in ('district', 'commune') and c.tier = u.unit_kind))
),

-- a dossier of a unit that ended counts for the unit of the report it counts under
used as (
    select n.period_id, coalesce(m.report_unit_code, n.unit_code) as unit_code, n.procedure_code as service_code,
        sum(case when n.channel = 2 then n.dossiers else 0 end) > 0 as with_online,
        sum(case when n.channel in (1, 3) then n.dossiers else 0 end) > 0 as with_paper
    from new_dossiers as n
    left join report_unit_of as m on m.period_id = n.period_id and m.unit_code = n.unit_code
    where n.channel in (1, 2, 3)
    group by n.period_id, coalesce(m.report_unit_code, n.unit_code), n.procedure_code
    having sum(n.dossiers) > 0
),

per_unit as (
    select pr.period_id, pr.unit_code,
        count(distinct case when pr.is_online_service and u.with_online then pr.service_code end) as services_with_online_dossiers,
        count(distinct case when pr.is_online_service then pr.service_code end) as online_services,
        count(distinct case when u.with_paper and not coalesce(u.with_online, false) then pr.service_code end)
            as services_with_paper_dossiers_only,
        count(distinct case when u.service_code is null then pr.service_code end) as services_without_dossiers,
        count(distinct pr.service_code) as services_provided
    from provided as pr
    left join used as u
        on u.period_id = pr.period_id and u.unit_code = pr.unit_code and u.service_code = pr.service_code
    group by pr.period_id, pr.unit_code
),

province as (
    select c.period_id, p.province_code as unit_code,
        count(distinct case when c.is_online_service and u.with_online then c.service_code end),
        count(distinct case when c.is_online_service then c.service_code end),
        count(distinct case when u.with_paper and not coalesce(u.with_online, false) then c.service_code end),
        count(distinct case when u.service_code is null then c.service_code end),
        count(distinct c.service_code)
    from catalogue_at_end as c
    left join (
        select period_id, service_code, bool_or(with_online) as with_online, bool_or(with_paper) as with_paper
        from used group by period_id, service_code
    ) as u on u.period_id = c.period_id and u.service_code = c.service_code
    inner join periods as p on p.period_id = c.period_id
    group by c.period_id, p.province_code
)

{{ kpi_with_target('online_service_uptake', 'services_with_online_dossiers', 'online_services',
                   'select * from per_unit union all select * from province', rollup=false,
                   extra=['services_with_paper_dossiers_only', 'services_without_dossiers', 'services_provided']) }}
