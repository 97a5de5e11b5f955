#!/bin/sh
# One scheduled job of deploy/bhyt.cron: `python -m cli ARGS…` in the app's folder with the settings the replicas share
# (BHYT_ENV_FILE, /etc/bhyt/bhyt.env by default), by the app's Python (BHYT_PYTHON, the clone's .venv by default).
# Its output (JSON with --json) goes where the cron line sends it.
set -eu
app=$(cd "$(dirname "$0")/.." && pwd)
env_file=${BHYT_ENV_FILE:-/etc/bhyt/bhyt.env}
if [ -r "$env_file" ]; then
  set -a
  . "$env_file"
  set +a
fi
cd "$app"
printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >&2
exec "${BHYT_PYTHON:-$app/.venv/bin/python}" -m cli "$@"
