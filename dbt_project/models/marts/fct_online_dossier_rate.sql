-- Online dossier rate (tỷ lệ hồ sơ xử lý trực tuyến; appendix 2): dossiers received
-- online in the period ÷ all dossiers received in the period, per unit, section, communes
-- of a district and province, with target, verdict and change since the previous period.
with dossier_processing as (
    select * from {{ ref('fct_dossier_processing') }}
),

per_unit as (
    select period_id, unit_code,
        received_new_online as online_dossiers,
        received_new_online + received_new_offline as total_dossiers
    from dossier_processing
)

{{ kpi_with_target('online_dossier_rate', 'online_dossiers', 'total_dossiers', 'select * from per_unit') }}
