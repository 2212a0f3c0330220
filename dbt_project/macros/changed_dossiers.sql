{# The dossiers an incremental build must recompute: every dossier in a load made current
   or superseded since the last successful build (raw.load_manifest.rebuild_pending; the
   pipeline clears the flags after the build). A superseded load counts too: a dossier
   that a corrected file no longer holds must lose the versions the old file gave it.

   At run time the codes are written out as a literal list, which DuckDB pushes through
   staging's window to the raw scan, so a day's build reads that day's dossiers, not the
   history. Past `max_listed` codes (a backfill) the subquery is cheaper than the list. #}
{% macro changed_dossiers(max_listed=50000) -%}
    {%- set changed -%}
    (
        select distinct r.dossier_code
        from {{ source('raw', 'dossiers') }} as r
        inner join {{ source('raw', 'load_manifest') }} as m
            on m.load_id = r._load_id and m.source = 'dossiers' and m.rebuild_pending
    )
    {%- endset -%}
    {%- if not execute -%}
        {{ changed }}
    {%- else -%}
        {%- set codes = run_query('select dossier_code from ' ~ changed ~ ' as changed limit ' ~ (max_listed + 1)).columns[0].values() -%}
        {%- if codes | length == 0 -%}
            (select cast(null as varchar) where false)
        {%- elif codes | length <= max_listed -%}
            ({%- for code in codes -%}'{{ code | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
        {%- else -%}
            {{ changed }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{# A test's `where: "__changed_dossiers__"` checks only the dossiers this build recomputed:
   the rest were checked when they were built. A first build, and `tthc run --full-refresh`
   (which flags every load), check every row. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__changed_dossiers__' in where -%}
            {%- set where = where | replace('__changed_dossiers__', 'dossier_code in ' ~ changed_dossiers()) -%}
        {%- endif -%}
        (select * from {{ relation }} where {{ where }}) as dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
