-- One row per dossier per extract day, from current loads only. Personal data stops
-- here: names, phones and addresses are dropped; the ID number becomes a salted key.
with current_loads as (
    select load_id from {{ source('raw', 'load_manifest') }}
    where source = 'dossiers' and status = 'current'
),

rows_of_current_loads as (
    select d.*
    from {{ source('raw', 'dossiers') }} as d
    inner join current_loads as l on d._load_id = l.load_id
),

deduplicated as (
    -- an extract should hold a dossier once; if it repeats, the last change wins
    select *,
        row_number() over (
            partition by dossier_code, _extract_date order by updated_at desc, _row_number desc
        ) as rank_in_day
    from rows_of_current_loads
)

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
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_online,
    updated_at,
    {{ pseudonymise('applicant_id_number') }} as applicant_key,
    _extract_date as extract_date,
    _load_id as load_id
from deduplicated
where rank_in_day = 1
