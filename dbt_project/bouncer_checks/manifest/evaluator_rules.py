"""The dbt-project-evaluator's rules that dbt-bouncer's own checks state differently,
written as the evaluator defines them (its docs/rules.md and default thresholds)."""

from __future__ import annotations

from dbt_bouncer.check_framework.decorator import check, fail


def _parents(model) -> list[str]:
    return sorted(set(model.depends_on.nodes or []))


@check
def check_model_leaf_fanout(model, ctx, *, models_fanout_threshold: int = 3):
    """Model fanout: a model may have fewer than `models_fanout_threshold` direct children that
    are leaves: models no other model reads (the evaluator does not count exposures)."""
    leaves = sorted(c.name for c in ctx.children_by_unique_id.get(model.unique_id, [])
                    if not ctx.children_by_unique_id.get(c.unique_id))
    if len(leaves) >= models_fanout_threshold:
        fail(f"`{model.name}` has {len(leaves)} direct leaf children ({', '.join(leaves)}): "
             f"at most {models_fanout_threshold - 1}; move the shared logic upstream")


@check
def check_model_too_many_joins(model, *, too_many_joins_threshold: int = 7):
    """Too many joins: fewer than `too_many_joins_threshold` direct parents of any kind
    (models, sources, seeds, snapshots)."""
    parents = _parents(model)
    if len(parents) >= too_many_joins_threshold:
        fail(f"`{model.name}` has {len(parents)} direct parents ({', '.join(p.split('.')[-1] for p in parents)}): "
             f"at most {too_many_joins_threshold - 1}")


@check
def check_model_primary_key_test(model, ctx, *, combination_tests: list[str] | None = None):
    """Missing primary key tests: `unique` and `not_null` on one column, or a test of a
    combination of columns (the project's `unique_combination`)."""
    combination = set(combination_tests or ["unique_combination"])
    by_column: dict[str | None, set[str]] = {}
    for test in ctx.tests_by_attached_node.get(model.unique_id, []):
        name = getattr(getattr(test, "test_metadata", None), "name", None)
        if name in combination:
            return
        by_column.setdefault(getattr(test, "column_name", None), set()).add(name)
    if not any(column and {"unique", "not_null"} <= names for column, names in by_column.items()):
        fail(f"`{model.name}` has no primary key test: unique and not_null on one column, or {sorted(combination)}")


def _staging_folder(name: str) -> str | None:
    """The source a base_/stg_ model is named after: base_portal__dossiers -> portal."""
    for prefix in ("base_", "stg_"):
        if name.startswith(prefix) and "__" in name:
            return name[len(prefix):].split("__", 1)[0]
    return None


@check
def check_model_staging_directory(model, *, include: str = "^models/staging/"):
    """Model directories: a staging model lives in models/staging/<source>/ and a base model
    in its base/ folder (the evaluator takes a model's type from its closest layer folder),
    for the source its name gives (stg_<source>__<table>, base_<source>__<table>)."""
    source = _staging_folder(model.name)
    folder = model.original_file_path.rsplit("/", 1)[0]
    expected = None if source is None else f"models/staging/{source}" + ("/base" if model.name.startswith("base_") else "")
    if folder != expected:
        fail(f"`{model.name}` is in {folder}: a staging model is stg_<source>__<table> in models/staging/<source>/, "
             f"a base model base_<source>__<table> in models/staging/<source>/base/")
    for parent in model.depends_on.nodes or []:
        if parent.startswith("source.") and parent.split(".")[-2] != source:
            fail(f"`{model.name}` reads source {'.'.join(parent.split('.')[-2:])}: it is named after source {source}")


@check
def check_source_directory(source):
    """Source directories: a source is declared in models/staging/<source>/_<source>__sources.yml."""
    expected = f"models/staging/{source.source_name}/_{source.source_name}__sources.yml"
    if source.original_file_path != expected:
        fail(f"source {source.source_name}.{source.name} is declared in {source.original_file_path}, not {expected}")
