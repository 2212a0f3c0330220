{# A test's `where` may name the rows this build brought in, so that it checks only those:
   the rest were checked when they were built. A first build, and `tthc run --full-refresh`
   (which flags every load), check every row.
   - __new_loads__: rows of the loads flagged rebuild_pending (the load manifest itself: a
     source is known to every test, a model only to the tests that depend on it);
   - __changed_dossiers__: the dossiers this build recomputes (model int_dossiers_to_rebuild,
     which the incremental models ref). A test may ref() only the models it depends on, and a
     `where` cannot declare one, so the model's relation is taken from the graph. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__new_loads__' in where -%}
            {%- set where = where | replace('__new_loads__',
                'load_id in (select load_id from ' ~ source('portal', 'load_manifest') ~ ' where rebuild_pending)') -%}
        {%- endif -%}
        {%- if '__changed_dossiers__' in where -%}
            {%- set where = where | replace('__changed_dossiers__',
                'dossier_code in (select dossier_code from ' ~ model_relation('int_dossiers_to_rebuild') ~ ')') -%}
        {%- endif -%}
        (select * from {{ relation }} where {{ where }}) as dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{% macro model_relation(name) -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | selectattr('name', 'equalto', name) | first -%}
    {{- return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -}}
{%- endmacro %}
