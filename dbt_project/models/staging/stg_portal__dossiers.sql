-- One row per dossier per extract day, from current loads only. Personal data stops
-- here: names, phones and addresses are dropped; the ID number becomes its pseudonym, an
-- HMAC computed by the pipeline before dbt runs (raw.applicant_keys; tthc/pii.py).
-- An extract should hold a dossier once; if it repeats, the last change wins.
select
    dossier_code,
    procedure_code,
    unit_code,
    field_code,
    cast(channel as integer) as channel,
    cast(status as integer) as status,
    submitted_at,
    received_at,
    due_at,
    finished_at,
    returned_at,
    supplement_requested_at,
    closed_at,
    apology_sent_at,
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_online,
    updated_at,
    applicant_key.applicant_key,
    _extract_date as extract_date,
    _load_id as load_id
from {{ current_rows('dossiers', ['dossier_code']) }} as current_row
left join {{ source('raw', 'applicant_keys') }} as applicant_key
    on applicant_key.applicant_id_number = current_row.applicant_id_number
