-- The KPI marts counted from the processing figures and the processing report roll up
-- through one table (dim_unit_rollup): their province and section rows must carry the
-- same counts as the report's total and section rows, in every period. Rows returned
-- disagree.
with report as (
    select r.period_id, case r.row_kind when 'total' then 'province' else 'section' end as scope,
        coalesce(r.section, p.province_code) as scope_code, r.received_new_online, r.received_new_offline,
        r.resolved_total, r.resolved_on_time, r.pending_overdue
    from {{ ref('rpt_processing_report') }} as r
    inner join {{ ref('dim_report_period') }} as p on p.period_id = r.period_id
    where r.row_kind in ('section', 'total')
),

kpis as (
    select o.period_id, o.scope, o.scope_code, o.online_dossiers, o.total_dossiers,
        t.resolved_on_time, t.resolved_total, t.pending_overdue, d.resolved_dossiers
    from {{ ref('fct_online_dossier_rate') }} as o
    inner join {{ ref('fct_on_time_resolution') }} as t using (period_id, scope, scope_code)
    inner join {{ ref('fct_digitization_rate') }} as d using (period_id, scope, scope_code)
    where o.scope in ('section', 'province')
)

select coalesce(r.period_id, k.period_id) as period_id, coalesce(r.scope, k.scope) as scope,
    coalesce(r.scope_code, k.scope_code) as scope_code
from report as r
full outer join kpis as k on k.period_id = r.period_id and k.scope = r.scope and k.scope_code = r.scope_code
where r.period_id is null or k.period_id is null
   or k.online_dossiers <> r.received_new_online
   or k.total_dossiers <> r.received_new_online + r.received_new_offline
   or k.resolved_on_time <> r.resolved_on_time
   or k.resolved_total <> r.resolved_total
   or k.pending_overdue <> r.pending_overdue
   or k.resolved_dossiers <> r.resolved_total
