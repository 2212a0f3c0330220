{# The materialization of the dossier models, which a build updates by deleting and inserting
   the rows of changed dossiers (decision 0008): incremental where the engine deletes rows.
   Spark's Parquet tables cannot (DELETE needs Delta or Iceberg, which local Spark would have
   to download): there the models are tables, and every Spark build is a full one. #}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}{{ return('incremental') }}{%- endmacro %}

{% macro spark__incremental_materialization() -%}{{ return('table') }}{%- endmacro %}
