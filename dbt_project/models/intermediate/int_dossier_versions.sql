-- The history of every dossier: one version per day it changed, valid from that day
-- until the next change. The state of all dossiers as of a date D is the set of
-- versions with valid_from <= D < valid_to (valid_to is null for the latest).
--
-- Incremental: a build deletes and recomputes every version of the dossiers in changed
-- loads (int_dossiers_to_rebuild), so its work follows the day's changes, not the history.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where dossier_code in (select dossier_code from {{ ref('int_dossiers_to_rebuild') }}){% endif %}",
) }}

with dossiers_to_rebuild as (
    select * from {{ ref('int_dossiers_to_rebuild') }}
),

dossiers as (
    select * from {{ ref('stg_portal__dossiers') }}
    {% if is_incremental() -%}
    where dossier_code in (select dossier_code from dossiers_to_rebuild)
    {%- endif %}
)

select
    dossier_code,
    procedure_code,
    unit_code,
    channel,
    status,
    received_at,
    due_at,
    finished_at,
    returned_at,
    closed_at,
    apology_sent_at,
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_online,
    extract_date as valid_from,
    lead(extract_date) over (partition by dossier_code order by extract_date) as valid_to
from dossiers
