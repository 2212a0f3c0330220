-- A register names one home province: two rows would give every period two provinces.
select count(*) as home_provinces
from {{ ref('home_province') }}
having count(*) <> 1
