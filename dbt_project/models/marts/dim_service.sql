-- The service catalogue with its history (type-2): one row per service, tier and version,
-- valid from the delivery that brought the change (inclusive) to the delivery that
-- changed it again or no longer listed it (exclusive; null while current). The
-- catalogue as of D is the rows with valid_from <= D and (valid_to is null or D < valid_to).
with services as (
    select * from {{ ref('stg_portal__services') }}
),

delivered as (
    select *,
        md5(concat_ws('|'
            {%- for col in ['service_name', 'field_code', 'agency_code', 'online_level', 'online_scope',
                            'fee_required', 'interconnected', 'processing_days'] -%}
            , coalesce(cast({{ col }} as {{ sql_type('varchar') }}), '<null>')
            {%- endfor %})) as attributes
    from services
),

deliveries as (
    select extract_date, row_number() over (order by extract_date) as delivery_no
    from (select distinct extract_date from delivered) as d
),

numbered as (
    select d.*, n.delivery_no,
        lag(d.attributes) over (partition by d.service_code, d.tier order by n.delivery_no) as previous_attributes,
        lag(n.delivery_no) over (partition by d.service_code, d.tier order by n.delivery_no) as previous_delivery_no
    from delivered as d
    inner join deliveries as n on n.extract_date = d.extract_date
),

-- a version starts where the attributes change, or where a service comes back after a delivery that left it out
versioned as (
    select *,
        sum(case when previous_attributes = attributes and previous_delivery_no = delivery_no - 1 then 0 else 1 end)
            over (partition by service_code, tier order by delivery_no) as version_no
    from numbered
),

versions as (
    -- within a version every attribute is the same, so grouping by them keeps one row
    select service_code, tier, version_no,
        min(extract_date) as valid_from,
        max(delivery_no) as last_delivery_no,
        service_name, field_code, agency_code, online_level, online_scope, is_online_service,
        is_fully_online, fee_required, interconnected, processing_days
    from versioned
    group by service_code, tier, version_no, service_name, field_code, agency_code, online_level, online_scope,
        is_online_service, is_fully_online, fee_required, interconnected, processing_days
)

select
    v.service_code,
    v.tier,
    v.valid_from,
    next_delivery.extract_date as valid_to,
    next_delivery.extract_date is null as is_current,
    v.service_name,
    v.field_code,
    v.agency_code,
    v.online_level,
    v.online_scope,
    v.is_online_service,
    v.is_fully_online,
    v.fee_required,
    v.interconnected,
    v.processing_days
from versions as v
left join deliveries as next_delivery on next_delivery.delivery_no = v.last_delivery_no + 1
