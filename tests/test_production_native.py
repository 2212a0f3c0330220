"""The production configuration of docker-compose.yaml, started natively (no Docker engine
runs here): Airflow on PostgreSQL with FAB auth; api-server, scheduler and dag-processor as
processes; the LocalExecutor of the compose file, and the CeleryExecutor with a Celery
worker on the machine's Redis. The daily DAG is triggered for a date through the REST API,
and the warehouse it publishes is checked. Everything started is stopped, the test's
database dropped and its Redis database emptied."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest
import requests

from tests.conftest import PG, START, postgres_admin_or_skip, services_required
from tthc.config import REPO

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied afterwards
ADMIN = ("admin", "native-test-password")


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if services_required():
            pytest.fail(reason + " (TTHC_REQUIRE_SERVICES=1: CI has Redis, so this must not skip)")
        pytest.skip(reason)
    return client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=["LocalExecutor", "CeleryExecutor"])
def airflow_stack(request, tmp_path_factory, landing):
    executor = request.param
    admin = postgres_admin_or_skip()
    broker = _redis_or_skip() if executor == "CeleryExecutor" else None
    admin.autocommit = True
    database = f"tthc_airflow_test_{uuid.uuid4().hex[:8]}"
    admin.cursor().execute(f"create database {database}")
    root = tmp_path_factory.mktemp("production")
    shutil.copytree(landing, root / "tthc" / "landing")
    port = _free_port()
    key_file = root / "tthc_pii_key"  # the production way: a key file, as compose mounts its secret
    key_file.write_text(uuid.uuid4().hex + uuid.uuid4().hex)
    env = {k: v for k, v in os.environ.items() if k != "TTHC_DEMO"} | {
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        "AIRFLOW__CORE__EXECUTOR": executor,
        "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
        "AIRFLOW__API__SECRET_KEY": uuid.uuid4().hex,
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "TTHC_HOME": str(root / "tthc"),
        "TTHC_REPORT_DEADLINE": "on",
        "TTHC_PII_KEY_FILE": str(key_file),
    }
    airflow = str(Path(sys.executable).with_name("airflow"))

    def cli(*args) -> str:
        done = subprocess.run([airflow, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"airflow {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # what the compose's init service does
    cli("db", "migrate")
    cli("users", "create", "--role", "Admin", "--username", ADMIN[0], "--password", ADMIN[1],
        "--firstname", "Native", "--lastname", "Test", "--email", "native@example.invalid")
    cli("pools", "set", "tthc_warehouse_writer", "1", "one writer for the DuckDB warehouse")

    processes = []
    try:
        services = [["api-server", "--port", str(port)], ["scheduler", "--skip-serve-logs"], ["dag-processor"]]
        if executor == "CeleryExecutor":
            services.append(["celery", "worker", "--concurrency", "2", "--skip-serve-logs"])
        for command in services:
            log = open(root / f"{'-'.join(command[:2])}.log", "w")
            processes.append(subprocess.Popen([airflow, *command], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        api = f"http://127.0.0.1:{port}"
        _wait_for(lambda: requests.get(f"{api}/api/v2/version", timeout=2).ok, 120, "the api-server to answer")
        token = requests.post(f"{api}/auth/token", json={"username": ADMIN[0], "password": ADMIN[1]}, timeout=10).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        yield api, session, root, executor, cli
    finally:
        for p in processes:  # each service in its own process group: stop it and its workers
            _stop(p)
        admin.cursor().execute(f"drop database if exists {database} with (force)")
        admin.close()
        if broker is not None:
            broker.flushdb()


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except Exception as exc:  # the service is still starting
            last = exc
        time.sleep(2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what} (last error: {last})")


def test_daily_dag_triggered_through_the_rest_api_publishes_the_day(airflow_stack):
    api, session, root, executor, _ = airflow_stack
    _wait_for(lambda: session.get(f"{api}/api/v2/dags/tthc_daily", timeout=5).ok, 180, "the dag-processor to parse tthc_daily")
    run_id = "native-test"
    created = session.post(f"{api}/api/v2/dags/tthc_daily/dagRuns",
                           json={"dag_run_id": run_id, "logical_date": f"{START}T06:00:00+07:00"}, timeout=10)
    assert created.ok, created.text
    assert session.patch(f"{api}/api/v2/dags/tthc_daily", json={"is_paused": False}, timeout=10).ok
    # Unpausing also schedules the latest day (catchup is off); its extract does not exist
    # here, and with one active run it would hold ours back, so it is failed by hand.
    def runs():
        return session.get(f"{api}/api/v2/dags/tthc_daily/dagRuns", timeout=10).json()["dag_runs"]

    def done():
        for r in runs():
            if r["dag_run_id"] != run_id and r["state"] in ("queued", "running"):
                session.patch(f"{api}/api/v2/dags/tthc_daily/dagRuns/{r['dag_run_id']}", json={"state": "failed"}, timeout=10)
        state = next(r["state"] for r in runs() if r["dag_run_id"] == run_id)
        assert state != "failed", _task_states(session, api, run_id)
        return state == "success"

    _wait_for(done, 420, "the triggered run to succeed")
    tasks = _task_states(session, api, run_id)
    assert tasks == {t: "success" for t in ("wait_for_extract", "ingest", "validate_loads", "build", "publish",
                                            "document", "export", "confirm_load_checks")}

    extract = root / "tthc" / "landing" / "dossiers" / f"dossiers_{START}.csv"
    expected = duckdb.sql(f"""select count(*) filter (where channel = 2), count(*) from read_csv('{extract}')
                              where cast(received_at as date) between date '2021-12-01' and date '2021-12-31'""").fetchall()[0]
    with duckdb.connect(str(root / "tthc" / "published" / "tthc.duckdb"), read_only=True) as con:
        got = con.execute("""select online_dossiers, total_dossiers from marts.fct_online_dossier_rate
                             where period_id = 'month_2021_12' and unit_code = '70'""").fetchone()
    assert got == expected and got[1] > 0
    # 2021's report deadline passed long ago: the scheduler calls the deadline callback
    alerts = root / "tthc" / "alerts.jsonl"
    _wait_for(lambda: alerts.exists() and '"deadline_missed"' in alerts.read_text(encoding="utf-8"), 120, "the deadline alert")
    assert f"tthc_daily for {START}: not published by 17:00 the next day" in alerts.read_text(encoding="utf-8")


def _task_states(session, api, run_id) -> dict:
    instances = session.get(f"{api}/api/v2/dags/tthc_daily/dagRuns/{run_id}/taskInstances", timeout=10).json()["task_instances"]
    return {t["task_id"]: t["state"] for t in instances}


@pytest.mark.parametrize("airflow_stack", ["LocalExecutor"], indirect=True)
def test_airflow_backfill_of_a_range_equals_the_one_pass_rebuild(airflow_stack, tmp_path, landing, monkeypatch):
    """`airflow backfill create` over three days, worked off by the running scheduler, leaves
    the same marts as `tthc run --from --to` in one pass."""
    from tests.test_backfill import MODELS, contents, fresh_home
    from tthc.config import Paths
    from tthc.pipeline import run

    api, session, root, _, cli = airflow_stack
    first, last = START + dt.timedelta(days=1), START + dt.timedelta(days=3)
    _wait_for(lambda: session.get(f"{api}/api/v2/dags/tthc_daily", timeout=5).ok, 180, "tthc_daily to be parsed")
    session.patch(f"{api}/api/v2/dags/tthc_daily", json={"is_paused": False}, timeout=10)
    # the runbook's command; the running scheduler works the backfill off
    cli("backfill", "create", "--dag-id", "tthc_daily", "--from-date", f"{first}T06:00:00+07:00",
        "--to-date", f"{last}T06:00:00+07:00", "--reprocess-behavior", "completed", "--max-active-runs", "1")

    def finished():
        for r in session.get(f"{api}/api/v2/dags/tthc_daily/dagRuns", timeout=10).json()["dag_runs"]:
            if r["run_type"] == "scheduled" and r["state"] in ("queued", "running"):  # today's run: no extract here
                session.patch(f"{api}/api/v2/dags/tthc_daily/dagRuns/{r['dag_run_id']}", json={"state": "failed"}, timeout=10)
        runs = [r for r in session.get(f"{api}/api/v2/dags/tthc_daily/dagRuns", timeout=10).json()["dag_runs"]
                if r["run_type"] == "backfill"]
        assert not any(r["state"] == "failed" for r in runs), runs
        return len(runs) == 3 and all(r["state"] == "success" for r in runs)

    _wait_for(finished, 600, "the backfill to finish its three runs")
    through_airflow = Paths(root / "tthc")
    with duckdb.connect(str(through_airflow.warehouse), read_only=True) as con:
        loaded = con.execute("select extract_date from raw.load_manifest where source = 'dossiers' and status = 'current' order by 1").fetchall()
    assert [d for (d,) in loaded if first <= d <= last] == [first + dt.timedelta(days=i) for i in range(3)]

    one_pass = fresh_home(tmp_path, landing, "one_pass")
    monkeypatch.setenv("TTHC_PII_KEY_FILE", str(root / "tthc_pii_key"))  # the stack's key: the same pseudonyms
    run(one_pass, {d for (d,) in loaded}, echo=lambda *_: None)
    for table in MODELS:
        assert contents(one_pass, table) == contents(through_airflow, table), table
