-- Online payment rate (tỷ lệ thanh toán trực tuyến): dossiers received in the period that
-- carry a fee and had a transaction paid online by the period's end ÷ dossiers received
-- in the period that carry a fee. A transaction refunded later still shows the dossier
-- was paid online. Targets by tier (2024: quarter II 50/40/30%, year end 70/60/50%).
with payments as (
    select * from {{ ref('fct_payment') }}
),

dossier_states as (
    select * from {{ ref('int_dossier_state_by_period') }}
),

paid_dossiers as (
    select dossier_code, min(paid_day) as first_paid_day
    from payments
    where paid_at is not null
    group by dossier_code
),

per_unit as (
    select s.period_id, s.unit_code,
        count(case when pd.first_paid_day <= s.as_of_day then 1 end) as dossiers_paid_online,
        count(*) as dossiers_with_fees
    from dossier_states as s
    left join paid_dossiers as pd on pd.dossier_code = s.dossier_code
    where s.fee_required and (s.is_new_online or s.is_new_offline)
    group by s.period_id, s.unit_code
)

{{ kpi_with_target('online_payment_rate', 'dossiers_paid_online', 'dossiers_with_fees', 'select * from per_unit') }}
