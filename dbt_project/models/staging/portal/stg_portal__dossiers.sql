-- One row per dossier per extract day, from current loads only. Personal data stops
-- here: the ID number becomes its pseudonym, an HMAC computed by the pipeline before dbt
-- runs (tthc/pii.py). An extract should hold a dossier once; if it repeats, the last
-- change wins.
with dossiers as (
    select * from {{ current_rows('base_portal__dossiers', ['dossier_code']) }} as current_row
),

applicant_keys as (
    select * from {{ ref('base_portal__applicant_keys') }}
)

select
    dossiers.dossier_code,
    dossiers.procedure_code,
    dossiers.unit_code,
    dossiers.field_code,
    dossiers.channel,
    dossiers.status,
    dossiers.submitted_at,
    dossiers.received_at,
    dossiers.due_at,
    dossiers.finished_at,
    dossiers.returned_at,
    dossiers.supplement_requested_at,
    dossiers.closed_at,
    dossiers.apology_sent_at,
    dossiers.components_digitized,
    dossiers.result_digitized,
    dossiers.digitized_data_reused,
    dossiers.fee_required,
    dossiers.paid_online,
    dossiers.updated_at,
    applicant_keys.applicant_key,
    dossiers.extract_date,
    dossiers.load_id
from dossiers
left join applicant_keys
    on applicant_keys.applicant_id_number = dossiers.applicant_id_number
