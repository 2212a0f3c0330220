"""Check a build's dbt artifacts against the dbt-project-evaluator's rules with dbt-bouncer.

    python tools/check_dbt_rules.py [TARGET_DIR]      # default: $TTHC_HOME/dbt_target (data/dbt_target)

TARGET_DIR holds manifest.json and catalog.json, as every `tthc run` leaves them. The rules
are dbt_project/dbt-bouncer.yml; exits non-zero on any breach, naming check and model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "dbt_project" / "dbt-bouncer.yml"


def check(target: Path) -> subprocess.CompletedProcess:
    """Run dbt-bouncer with the project's rules on the artifacts in ``target``."""
    missing = [name for name in ("manifest.json", "catalog.json") if not (target / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{target} has no {' or '.join(missing)}: run `tthc run` (or `make demo`) first")
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["dbt_artifacts_dir"] = str(target.resolve())
    config["custom_checks_dir"] = str(CONFIG.parent / config["custom_checks_dir"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dbt-bouncer.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        bouncer = Path(sys.executable).with_name("dbt-bouncer")
        return subprocess.run([str(bouncer), "run", "--config-file", str(path), "--show-all-failures"],
                              cwd=folder, capture_output=True, text=True, env=os.environ | {"NO_COLOR": "1", "COLUMNS": "200"})


if __name__ == "__main__":
    home = Path(os.environ.get("TTHC_HOME", REPO / "data"))
    done = check(Path(sys.argv[1]) if len(sys.argv) > 1 else home / "dbt_target")
    print(done.stdout, done.stderr, sep="")
    sys.exit(done.returncode)
