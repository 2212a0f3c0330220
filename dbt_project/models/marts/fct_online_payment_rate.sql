-- Online payment rate (tỷ lệ thanh toán trực tuyến): dossiers received in the period that
-- carry a fee and had a transaction paid online by the period's end ÷ dossiers received
-- in the period that carry a fee. A transaction refunded later still shows the dossier
-- was paid online. Targets by tier (2024: quarter II 50/40/30%, year end 70/60/50%).
with unit_period_counts as (
    select * from {{ ref('int_unit_period_counts') }}
),

per_unit as (
    select period_id, unit_code, dossiers_paid_online, dossiers_with_fees
    from unit_period_counts
)

{{ kpi_with_target('online_payment_rate', 'dossiers_paid_online', 'dossiers_with_fees', 'select * from per_unit') }}
