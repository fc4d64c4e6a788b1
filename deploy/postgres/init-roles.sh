#!/bin/sh
# Applies roles.sql, then sets each service role's password from the environment.
#   POSTERA_DB_PASSWORD_<SERVICE> (CAPTURE, SETTLEMENT, ACCOUNTING, REPORTING, NOTIFICATION, GATEWAY,
#   MARKET_SIM), else POSTERA_DB_PASSWORD for all, else the password is left as it is.
# Used by compose (mounted in /docker-entrypoint-initdb.d, run once when the volume is new) and by
# the Kubernetes Job of deploy/postgres (connection from PGHOST, PGUSER, PGPASSWORD, PGDATABASE).
set -eu
here=$(dirname "$0")
roles_sql=${ROLES_SQL:-$here/roles.sql}
user=${PGUSER:-${POSTGRES_USER:-postgres}}
db=${PGDATABASE:-${POSTGRES_DB:-postera}}
run_psql() { psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$user" --dbname "$db" "$@"; }

run_psql --quiet -f "$roles_sql"
for svc in capture settlement accounting reporting notification gateway market_sim; do
  upper=$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')
  eval "password=\${POSTERA_DB_PASSWORD_${upper}:-\${POSTERA_DB_PASSWORD:-}}"
  if [ -n "$password" ]; then
    # On stdin, so that psql interpolates :'password' as a quoted literal (it does not with -c).
    printf '%s\n' "ALTER ROLE postera_${svc} PASSWORD :'password';" | run_psql --quiet -v password="$password"
  fi
done
echo "postera: roles ready in database $db"
