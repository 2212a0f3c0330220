-- The dossiers an incremental build recomputes: every dossier in a dossier load made
-- current or superseded since the last successful build (rebuild_pending; the pipeline
-- clears the flags after the build). A superseded load counts too: a dossier that a
-- corrected file no longer holds must lose the versions the old file gave it.
-- A model, not a compile-time query, so that dbt docs and every reader see the lineage
-- (docs/decisions/0008-incremental-dossier-models.md). A view: it always says what the
-- flags say now (empty once a build has cleared them), and keeps no copy of its own.
{{ config(materialized='view') }}
with flagged_loads as (
    select * from {{ ref('base_portal__loads') }}
    where rebuild_pending and source_name = 'dossiers'
),

delivered_dossiers as (
    select * from {{ ref('base_portal__dossiers') }}
)

select distinct delivered_dossiers.dossier_code
from delivered_dossiers
inner join flagged_loads on flagged_loads.load_id = delivered_dossiers.load_id
