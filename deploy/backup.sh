#!/bin/sh
# The nightly PostgreSQL backup (README, "Backup and restore"): `pg_dump --format=custom` of DATABASE_URL into
# FOLDER (default /var/backups/bhyt), one file per run, files older than DAYS days (default 14) removed. Written under
# a temporary name and renamed when complete, so that a file named bhyt-*.dump is always a whole dump.
# The keys (BHYT_SECRET_KEY, BHYT_SIGNING_KEY) are not in the dump: keep them apart, in a safe place (README).
set -eu
folder=${1:-/var/backups/bhyt}
days=${2:-14}
env_file=${BHYT_ENV_FILE:-/etc/bhyt/bhyt.env}
if [ -r "$env_file" ]; then
  set -a
  . "$env_file"
  set +a
fi
# pg_dump takes libpq's postgresql:// URL, not SQLAlchemy's postgresql+psycopg://
url=$(printf '%s' "$DATABASE_URL" | sed -e 's|^postgresql+psycopg://|postgresql://|' -e 's|^postgres://|postgresql://|')
case "$url" in
  postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not PostgreSQL; for SQLite use: python -m cli backup --out FILE" >&2; exit 2 ;;
esac
mkdir -p "$folder"
file="$folder/bhyt-$(date '+%Y-%m-%d-%H%M').dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file.part" "$url"
mv "$file.part" "$file"
find "$folder" -maxdepth 1 -name 'bhyt-*.dump' -mtime +"$days" -delete
printf '%s backup %s (%s bytes)\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$file" "$(wc -c < "$file")"
