{# Run at the start of every build (on-run-start). The raw schema the sources read is written
   by ingestion into DuckDB; DuckDB and PostgreSQL (a mirror) hold it as tables, so nothing
   is done there. On Spark, when TTHC_SPARK_RAW names a folder (or bucket) of Parquet
   exports, <folder>/<table>, each source of schema raw is (re)declared as an external table
   over its files; without it, raw must already be in Spark's catalog (decision 0020). #}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- set location = env_var('TTHC_SPARK_RAW', '') -%}
    {%- if execute and location -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in graph.sources.values() | selectattr('schema', 'equalto', 'raw') | map(attribute='identifier') | unique -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query("create table raw." ~ table ~ " using parquet location '" ~ location ~ "/" ~ table ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
