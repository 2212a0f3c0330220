"""The applicant pseudonym: HMAC-SHA256 of the citizen ID number under a secret key.

A 12-digit citizen ID is enumerable (province code, sex/century digit, birth year, six
random digits: about 4×10⁸ candidates per province, minutes on one core), so whoever holds
the key can undo every pseudonym: it is a secret like a password. It is read here, in the
writer process, and never given to dbt, so it cannot reach compiled SQL, docs, manifest or
logs (docs/decisions/0017-pseudonym-hmac-key.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

# The demo's and the tests' key: public, so its pseudonyms protect nothing.
DEMO_KEY = "demo-key-not-secret"
MIN_LENGTH = 32
HOW_TO_SET = (f"set TTHC_PII_KEY_FILE to a file holding a secret key of at least {MIN_LENGTH} characters "
              "(e.g. `openssl rand -hex 32 > tthc_pii_key`; Docker/Airflow: a secret mounted at /run/secrets/tthc_pii_key), "
              "or TTHC_PII_KEY to the key itself; TTHC_DEMO=1 (tthc demo, the tests) uses the public demo key")


class PiiKeyError(ValueError):
    pass


def pii_key(environ=os.environ) -> bytes:
    """The HMAC key, from TTHC_PII_KEY_FILE or TTHC_PII_KEY; the demo key only where TTHC_DEMO=1."""
    demo = environ.get("TTHC_DEMO") == "1"
    if environ.get("TTHC_PII_KEY_FILE"):
        path = Path(environ["TTHC_PII_KEY_FILE"])
        if not path.is_file():
            raise PiiKeyError(f"TTHC_PII_KEY_FILE is {path}, which is not a file: {HOW_TO_SET}")
        key = path.read_text(encoding="utf-8").strip()
    else:
        key = environ.get("TTHC_PII_KEY", "").strip() or (DEMO_KEY if demo else "")
    if not demo and (not key or key == DEMO_KEY or len(key) < MIN_LENGTH):
        problem = "no pseudonym key" if not key else "the demo key" if key == DEMO_KEY else "a pseudonym key too short"
        raise PiiKeyError(f"{problem} outside the demo: {HOW_TO_SET}")
    return key.encode("utf-8")


def pseudonym(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.encode("utf-8"), hashlib.sha256).hexdigest()


# The same HMAC computed by DuckDB from the key's two padded blocks (RFC 2104: H(K^opad ||
# H(K^ipad || m))), bound as parameters, so never in any SQL text. In parallel and native:
# 6 million IDs take ~3 s where a Python function called per ID took 139 s.
PSEUDONYM_SQL = "sha256($outer_pad || unhex(sha256($inner_pad || encode(applicant_id_number))))"


def hmac_pads(key: bytes) -> dict[str, bytes]:
    block = (hashlib.sha256(key).digest() if len(key) > hashlib.sha256().block_size else key)
    block = block.ljust(hashlib.sha256().block_size, b"\0")
    return {"inner_pad": bytes(b ^ 0x36 for b in block), "outer_pad": bytes(b ^ 0x5C for b in block)}


def refresh_applicant_keys(con, key: bytes, recompute: bool = False) -> None:
    """Give every ID number in raw.dossiers its key in raw.applicant_keys (the table the
    staging model joins). ``recompute`` (a full refresh) rewrites them all: that is how a
    rotated key takes effect. Without it, a key other than the one the table was made with
    is refused, so that pseudonyms of two keys never mix."""
    con.begin()
    try:
        if recompute:
            con.execute("delete from raw.applicant_keys")
        else:
            sample = con.execute("select applicant_id_number, applicant_key from raw.applicant_keys limit 1").fetchone()
            if sample and pseudonym(key, sample[0]) != sample[1]:
                raise PiiKeyError("the pseudonym key is not the one raw.applicant_keys was made with: if it was rotated, "
                                  "run once with --full-refresh to recompute every applicant_key; otherwise set the right key")
        con.execute(f"""
            insert into raw.applicant_keys
            select applicant_id_number, {PSEUDONYM_SQL} from (
                select distinct applicant_id_number from raw.dossiers where applicant_id_number is not null
                except select applicant_id_number from raw.applicant_keys)""", hmac_pads(key))
        con.commit()
    except BaseException:
        con.rollback()
        raise
