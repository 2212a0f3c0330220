"""Delivered file names that the warehouse cannot store as text.

On Linux a file name is bytes. One written by a tool in a legacy code page ("bản sao" in
Windows-1258 or Latin-1) is not UTF-8: Python hands it over with surrogate escapes, which
DuckDB (and a UTF-8 report) refuse. Such a file is quarantined under a readable name, its
bytes shown as backslash escapes, instead of stopping the run.
"""

from __future__ import annotations

import os
from pathlib import Path

NOT_UTF8 = "the file name is not UTF-8: rename it"


def is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(name: str | Path) -> str:
    """The name (or path) as safe UTF-8 text: undecodable bytes as \\xNN escapes."""
    text = str(name)
    return text if is_utf8(text) else os.fsencode(text).decode("utf-8", "backslashreplace")
