-- Online-service uptake (tỷ lệ DVCTT phát sinh hồ sơ; appendix 1): level-3/4 services
-- with at least one dossier received online in the period ÷ all level-3/4 services the
-- unit provides, per unit and for the province (unit_code '70', counting each service
-- code once). A department provides its own provincial services, a land-registration
-- branch those of the natural-resources department, a district or commune committee the
-- whole catalogue of its tier.
with online_services as (
    select service_code, tier, agency_code
    from {{ ref('int_services_catalogue') }}
    where online_level >= 3
),

provided as (
    select u.unit_code, s.service_code
    from {{ ref('dim_unit') }} as u
    inner join online_services as s
        on (u.unit_kind = 'department' and s.tier = 'province' and s.agency_code = u.unit_code)
        or (u.unit_kind = 'land_branch' and s.tier = 'province' and s.agency_code = 'DEP-TNMT')
        or (u.unit_kind in ('district', 'commune') and s.tier = u.unit_kind)
),

used_online as (
    select distinct period_id, unit_code, procedure_code as service_code
    from {{ ref('int_dossier_state_by_period') }}
    where is_new_online
),

per_unit as (
    select p.period_id, pr.unit_code,
        count(distinct case when uo.service_code is not null then pr.service_code end) as services_with_online_dossiers,
        count(distinct pr.service_code) as online_services
    from {{ ref('dim_report_period') }} as p
    cross join provided as pr
    left join used_online as uo
        on uo.period_id = p.period_id and uo.unit_code = pr.unit_code and uo.service_code = pr.service_code
    group by p.period_id, pr.unit_code
),

province as (
    select p.period_id, '70' as unit_code,
        count(distinct uo.service_code) as services_with_online_dossiers,
        (select count(distinct service_code) from online_services) as online_services
    from {{ ref('dim_report_period') }} as p
    left join used_online as uo
        on uo.period_id = p.period_id
        and uo.service_code in (select service_code from online_services)
    group by p.period_id
)

{{ kpi_with_target('online_service_uptake', 'services_with_online_dossiers', 'online_services',
                   'select * from per_unit union all select * from province') }}
