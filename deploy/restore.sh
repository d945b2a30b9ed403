#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into an EMPTY database, bring its schema up to this
# release (shipei migrate) and check that the keys in the environment read its data.
#
#   createdb -O shipei shipei_restored
#   PII_KEYS=... PII_INDEX_KEY=... SECRET_KEY=... \
#     deploy/restore.sh backups/shipei-20260101-020000.dump postgres://shipei:pw@host:5432/shipei_restored
#
# The keys must be the ones the backed-up installation used (deploy/backup.md); with others
# the final check fails and names the key that does not fit. SHIPEI names the shipei command
# (default: shipei on PATH).
set -euo pipefail

dump="${1:?用法：deploy/restore.sh 备份文件 目标数据库URL}"
target="${2:?用法：deploy/restore.sh 备份文件 目标数据库URL}"
shipei="${SHIPEI:-shipei}"

if [[ -f "$dump.sha256" ]]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256")
fi
tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$target" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [[ "$tables" != 0 ]]; then
  echo "目标数据库已有 $tables 张表：只能恢复到新建的空数据库（createdb）。" >&2
  exit 1
fi

pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"
DATABASE_URL="$target" "$shipei" migrate --noinput
DATABASE_URL="$target" "$shipei" check --database default
echo "已恢复到 ${target##*/}，密钥能读出其中的个人信息。"
