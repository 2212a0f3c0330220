-- One row per dossier per extract day, from current loads only. Personal data stops
-- here: names, phones and addresses are dropped; the ID number becomes a salted key.
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
    {{ pseudonymise('applicant_id_number') }} as applicant_key,
    _extract_date as extract_date,
    _load_id as load_id
from {{ current_rows('dossiers', ['dossier_code']) }} as current_row
