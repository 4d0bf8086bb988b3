#!/bin/sh
# Run by the postgres image on the first start of an empty volume (docker-entrypoint-initdb.d). On a volume
# made before this file existed, run it by hand once:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-grafana-reader.sh
set -eu
: "${GRAFANA_DB_PASSWORD:?set GRAFANA_DB_PASSWORD in .env}"
psql --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v reader=grafana_reader -v reader_password="$GRAFANA_DB_PASSWORD" \
  -v owner="$POSTGRES_USER" -v database="$POSTGRES_DB" \
  -f /opt/vatsim/grafana_reader.sql
