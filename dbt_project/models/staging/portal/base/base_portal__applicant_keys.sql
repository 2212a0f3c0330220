-- The pseudonym of each citizen ID number, as the pipeline wrote it (tthc/pii.py).
with source as (
    select * from {{ source('portal', 'applicant_keys') }}
)

select
    applicant_id_number,
    applicant_key
from source
