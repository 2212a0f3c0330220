"""The applicant pseudonym: an HMAC whose key reaches no output, refused without a key
outside the demo, rotated by a full refresh (docs/decisions/0017-pseudonym-hmac-key.md)."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from tests.conftest import START
from tthc.cli import main
from tthc.pii import DEMO_KEY, PiiKeyError, pii_key
from tthc.pipeline import build

PRODUCTION_KEY = "f3b1c9e07a6d4e2b8c5a9d1e0f7b3c6a2d8e4f1a9b7c5d3e"


def varchar_cells_containing(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                          "where data_type = 'VARCHAR' and table_schema not in ('information_schema', 'pg_catalog')").fetchall()
    return [f"{s}.{t}.{c}" for s, t, c in columns
            if con.execute(f'select count(*) from "{s}"."{t}" where contains("{c}", ?)', [text]).fetchone()[0]]


def test_the_key_reaches_no_output(built):
    key = DEMO_KEY  # the key the session's run used (tests are demos)
    files = [p for p in built.home.rglob("*") if p.is_file() and p.suffix not in {".duckdb", ".parquet"}]
    assert built.dbt_docs in files and built.dbt_target / "manifest.json" in files
    assert any(p.name == "dbt.log" for p in files)
    assert [p for p in files if key.encode() in p.read_bytes()] == []
    for database in (built.warehouse, built.published):
        with duckdb.connect(str(database), read_only=True) as con:
            assert varchar_cells_containing(con, key) == []
    parquet = sorted(built.parquet.rglob("*.parquet"))
    assert parquet
    with duckdb.connect() as con:
        for i, path in enumerate(parquet):
            con.execute(f"create view t{i} as select * from read_parquet('{path}')")
        assert varchar_cells_containing(con, key) == []


def keys_by_row(warehouse) -> dict[tuple, tuple[str, str]]:
    """Per staging row, (the raw ID number, its applicant_key)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select s.dossier_code, s.extract_date, s.load_id, r.applicant_id_number, s.applicant_key
            from staging.stg_portal__dossiers s
            join raw.dossiers r on r._load_id = s.load_id and r.dossier_code = s.dossier_code
            qualify row_number() over (partition by s.dossier_code, s.load_id order by r.updated_at desc, r._row_number desc) = 1
        """).fetchall()
    return {(code, day, load): (id_number, key) for code, day, load, id_number, key in rows}


def hmac_of(key: str, id_number: str) -> str:
    return hmac.new(key.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def test_applicant_key_is_the_hmac_of_the_id_number(built):
    rows = keys_by_row(built.warehouse)
    assert len(rows) > 1000
    assert all(id_number for id_number, _ in rows.values())
    assert all(key == hmac_of(DEMO_KEY, id_number) for id_number, key in rows.values())


@pytest.mark.parametrize("given", [{}, {"TTHC_PII_KEY": DEMO_KEY}, {"TTHC_PII_KEY": "short"}])
def test_a_production_run_without_a_key_refuses_with_how_to_set_it(home, monkeypatch, capsys, given):
    for name in ("TTHC_DEMO", "TTHC_PII_KEY", "TTHC_PII_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    assert main(["run", "--date", START.isoformat()]) == 1
    message = capsys.readouterr().err
    assert "outside the demo" in message and "TTHC_PII_KEY_FILE" in message and "TTHC_PII_KEY " in message
    assert not home.warehouse.exists()  # refused before loading anything


def test_a_production_key_comes_from_its_file(tmp_path):
    secret = tmp_path / "tthc_pii_key"
    secret.write_text(PRODUCTION_KEY + "\n")
    assert pii_key({"TTHC_PII_KEY_FILE": str(secret)}) == PRODUCTION_KEY.encode()
    assert pii_key({"TTHC_PII_KEY": PRODUCTION_KEY}) == PRODUCTION_KEY.encode()
    assert pii_key({"TTHC_DEMO": "1"}) == DEMO_KEY.encode()
    with pytest.raises(PiiKeyError, match="not a file"):
        pii_key({"TTHC_PII_KEY_FILE": str(tmp_path / "missing")})


def mart_counts(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for (t,) in tables}


def test_rotating_the_key_takes_a_full_refresh_and_changes_every_key(copy_of_built, monkeypatch):
    before, counts = keys_by_row(copy_of_built.warehouse), mart_counts(copy_of_built.warehouse)
    monkeypatch.delenv("TTHC_DEMO")
    monkeypatch.setenv("TTHC_PII_KEY", PRODUCTION_KEY)
    with pytest.raises(PiiKeyError, match="--full-refresh"):
        build(copy_of_built, echo=lambda *_: None)  # a changed key without a full refresh would mix pseudonyms
    build(copy_of_built, echo=lambda *_: None, full_refresh=True)
    after = keys_by_row(copy_of_built.warehouse)
    assert after.keys() == before.keys()
    assert all(after[row][1] != before[row][1] == hmac_of(DEMO_KEY, id_number) for row, (id_number, _) in after.items())
    assert all(key == hmac_of(PRODUCTION_KEY, id_number) for id_number, key in after.values())
    assert mart_counts(copy_of_built.warehouse) == counts


@pytest.mark.parametrize("key", ["k" * 32, "đ" * 32, "x" * 64, "a long production key, " * 5])
def test_the_pseudonym_duckdb_computes_is_the_hmac_of_the_id_number(key):
    """The warehouse computes the HMAC in SQL from the key's padded blocks: the same as
    Python's hmac for keys shorter than, as long as and longer than SHA-256's 64-byte block,
    and for any ID text (a wrong-looking one is pseudonymised as delivered)."""
    from tthc.pii import PSEUDONYM_SQL, hmac_pads

    ids = ["079201000123", "001099012345", "", " 07920 ", "Đ-79/2021", "0" * 40]
    con = duckdb.connect()
    got = con.execute(f"select applicant_id_number, {PSEUDONYM_SQL} from unnest($ids) t(applicant_id_number)",
                      {"ids": ids} | hmac_pads(key.encode())).fetchall()
    assert dict(got) == {i: hmac_of(key, i) for i in ids}
