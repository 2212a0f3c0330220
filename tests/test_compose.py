"""docker-compose.yaml keeps the shape of Airflow's official compose. (No Docker engine runs
here; the same configuration is exercised natively by the Airflow tests.)"""

from __future__ import annotations

import re

import yaml

from tthc.config import REPO

AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yaml").read_text(encoding="utf-8"))


def test_services_and_health_checks():
    services = compose()["services"]
    assert set(services) == AIRFLOW_SERVICES | {"postgres", "airflow-init"}
    for name in AIRFLOW_SERVICES | {"postgres"}:
        assert services[name]["healthcheck"]["test"], name
    for name in AIRFLOW_SERVICES:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully", name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_metadata_on_postgres_and_secrets_from_the_environment():
    text = (REPO / "docker-compose.yaml").read_text(encoding="utf-8")
    env = compose()["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    for secret in ("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD", "AIRFLOW_API_SECRET_KEY", "AIRFLOW_JWT_SECRET", "TTHC_PII_KEY_FILE"):
        assert re.search(r"\$\{" + secret + r":\?", text), f"{secret} must come from the environment, required"
    assert env["TTHC_PII_KEY_FILE"] == "/run/secrets/tthc_pii_key" and "TTHC_PII_KEY" not in env
    assert "tthc_pii_key" in compose()["services"]["airflow-scheduler"]["secrets"]


def test_init_creates_the_pool_the_dag_uses():
    from warehouse.provinces import writer_pool

    init = " ".join(compose()["services"]["airflow-init"]["command"])
    assert f"airflow pools set {writer_pool(None)} 1" in init
    # a province home's pool: the name the DAGs use, made for every province folder
    each_province = writer_pool('$$(basename "$$home")')
    assert f'airflow pools set "{each_province}" 1' in init


def test_volumes_for_landing_files_and_the_warehouse():
    env = compose()["services"]["airflow-scheduler"]["environment"]
    volumes = compose()["services"]["airflow-scheduler"]["volumes"]
    assert any(v.endswith(":" + env["TTHC_LANDING"]) for v in volumes)
    assert any(v.endswith(":" + env["TTHC_HOME"]) for v in volumes)
