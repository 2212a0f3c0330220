"""Files readers fetch (published/): each is replaced whole, never seen half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def replace_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary)`` on a new file in ``target``'s folder, then rename it onto
    ``target``: a reader opens the old file or the new one, whole. A unique temporary name,
    so two writers (a run and `tthc excel`) never write into the same file; removed on failure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600: readers are other users
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
