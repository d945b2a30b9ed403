#!/usr/bin/env bash
# Back up shipei's PostgreSQL database: one custom-format pg_dump (compressed; pg_restore can
# restore it whole or table by table), checked readable, with its SHA-256 beside it.
#
#   DATABASE_URL=postgres://user:password@host:5432/shipei deploy/backup.sh [DIRECTORY]
#
# DIRECTORY defaults to ./backups. The dump holds ID numbers and mobiles only encrypted: the
# keys (PII_KEYS, PII_INDEX_KEY, SECRET_KEY) are NOT in it and must be kept apart from it;
# see deploy/backup.md. Prints the dump's path.
set -euo pipefail

: "${DATABASE_URL:?请设置 DATABASE_URL（要备份的数据库）}"
dir="${1:-backups}"

# pg_dump refuses a server newer than itself; say so before it does, in words.
client=$(pg_dump --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
server=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" \
  --command="SHOW server_version_num")
if (( client < server / 10000 )); then
  echo "pg_dump 是 $client 版，数据库服务器是 $((server / 10000)) 版：请安装不低于服务器版本的 pg_dump。" >&2
  exit 1
fi

mkdir -p "$dir"
umask 077
file="$dir/shipei-$(date +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --dbname="$DATABASE_URL" --file="$file.partial"
pg_restore --list "$file.partial" > /dev/null
mv "$file.partial" "$file"
(cd "$dir" && sha256sum "$(basename "$file")" > "$(basename "$file").sha256")
echo "$file"
