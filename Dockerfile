# The Airflow image for docker-compose.yaml: the official image plus this project,
# installed from uv.lock (the same pins as `make test`).
FROM apache/airflow:3.3.2-python3.11

USER root
COPY --chown=airflow:root . /opt/tthc
USER airflow
WORKDIR /opt/tthc
RUN pip install --no-cache-dir uv==0.13.9 \
 && uv export --locked --no-dev --no-emit-project --format requirements-txt > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && pip install --no-cache-dir --no-deps -e /opt/tthc
WORKDIR /opt/airflow
