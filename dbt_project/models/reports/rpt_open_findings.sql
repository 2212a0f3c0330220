-- What is open today, in one table: for each kind of finding the platform keeps, how many
-- rows and units it holds and the mart that lists them. The dashboard's and `tthc status`'s
-- question "is anything wrong?" answered once, for BI users too; each row points to the
-- list to read.
with dossiers_outside_the_report as (
    select * from {{ ref('rpt_dossiers_outside_the_report') }}
),

extract_rows_of_ended_units as (
    select * from {{ ref('rpt_extract_rows_of_ended_units') }}
),

unit_report_reconciliation as (
    select * from {{ ref('fct_unit_report_reconciliation') }}
),

unit_report_kpi_checks as (
    select * from {{ ref('fct_unit_report_kpi_checks') }}
),

dossier_watchlist as (
    select * from {{ ref('rpt_dossier_watchlist') }}
),

findings as (
    select 'dossiers_outside_the_report' as finding, 'rpt_dossiers_outside_the_report' as listed_in,
        count(*) as finding_rows, count(distinct unit_code) as units, coalesce(sum(dossiers), 0) as items,
        'Dossiers of a period under a unit with no place in its report and no successor in it.' as meaning
    from dossiers_outside_the_report
    union all
    select 'extract_rows_of_ended_units', 'rpt_extract_rows_of_ended_units',
        count(*), count(distinct unit_code), coalesce(sum(extract_rows), 0),
        'Extract rows that name a unit after its last day (counted under its successor where there is one).'
    from extract_rows_of_ended_units
    union all
    select 'unit_report_gaps', 'fct_unit_report_reconciliation',
        count(*), count(distinct unit_code), coalesce(sum(abs(received_gap)), 0),
        '{{ dbt.escape_single_quotes("Rows of unit reports whose received dossiers differ from the portal's (items: the dossiers of difference).") }}'
    from unit_report_reconciliation
    where received_gap <> 0
    union all
    select 'kpi_table_checks_failed', 'fct_unit_report_kpi_checks',
        count(*), count(distinct unit_code), count(*),
        'Verdicts or changes printed in a KPI table that the rates and targets do not give.'
    from unit_report_kpi_checks
    where not coalesce(verdict_holds, true) or not coalesce(change_holds, true)
    union all
    select 'watchlist_' || list_kind, 'rpt_dossier_watchlist',
        count(*), count(distinct unit_code), count(*),
        'Dossiers on the daily list ' || list_kind || ' (as of the last extract day).'
    from dossier_watchlist
    group by list_kind
)

select
    finding,
    listed_in,
    cast(finding_rows as bigint) as finding_rows,
    cast(units as bigint) as units,
    cast(items as bigint) as items,
    meaning
from findings
