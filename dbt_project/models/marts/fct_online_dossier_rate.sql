-- Online dossier rate (tỷ lệ hồ sơ xử lý trực tuyến; appendix 2): dossiers received
-- online in the period ÷ all dossiers received in the period, per unit and for the
-- province (unit_code '70'), with target, verdict and change since the previous period
-- of the same kind.
with per_unit as (
    select period_id, unit_code,
        received_new_online as online_dossiers,
        received_new_online + received_new_offline as total_dossiers
    from {{ ref('fct_dossier_processing') }}
),

province as (
    select period_id, '70' as unit_code,
        cast(sum(online_dossiers) as bigint) as online_dossiers, cast(sum(total_dossiers) as bigint) as total_dossiers
    from per_unit
    group by period_id
)

{{ kpi_with_target('online_dossier_rate', 'online_dossiers', 'total_dossiers',
                   'select * from per_unit union all select * from province') }}
