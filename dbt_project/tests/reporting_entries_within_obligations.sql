-- Coverage never exceeds what is required, and on-time entries are entries.
select * from {{ ref('fct_reporting_coverage') }}
where entered > required or entered_on_time > entered
