#!/bin/sh
# Applies roles.sql, then sets each role's password from the environment.
#   Runtime roles (postera_<service>, what the services log in as): POSTERA_DB_PASSWORD_<SERVICE>
#   (CAPTURE, SETTLEMENT, ACCOUNTING, REPORTING, NOTIFICATION, GATEWAY, MARKET_SIM), else
#   POSTERA_DB_PASSWORD for all.
#   Owner roles (postera_<service>_owner, what the migrations run as): POSTERA_DB_OWNER_PASSWORD_<SERVICE>,
#   else POSTERA_DB_OWNER_PASSWORD for all — never a runtime password: whoever holds the service's
#   credentials must not hold its owner's.
#   A password not given is left as it is.
# Used by compose (mounted in /docker-entrypoint-initdb.d, run once when the volume is new) and by
# the Kubernetes Job of deploy/postgres (connection from PGHOST, PGUSER, PGPASSWORD, PGDATABASE).
set -eu
here=$(dirname "$0")
roles_sql=${ROLES_SQL:-$here/roles.sql}
user=${PGUSER:-${POSTGRES_USER:-postgres}}
db=${PGDATABASE:-${POSTGRES_DB:-postera}}
run_psql() { psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$user" --dbname "$db" "$@"; }
set_password() {
  if [ -n "$2" ]; then
    # On stdin, so that psql interpolates :'password' as a quoted literal (it does not with -c).
    printf '%s\n' "ALTER ROLE $1 PASSWORD :'password';" | run_psql --quiet -v password="$2"
  fi
}

run_psql --quiet -f "$roles_sql"
for svc in capture settlement accounting reporting notification gateway market_sim; do
  upper=$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')
  eval "password=\${POSTERA_DB_PASSWORD_${upper}:-\${POSTERA_DB_PASSWORD:-}}"
  set_password "postera_${svc}" "$password"
  eval "password=\${POSTERA_DB_OWNER_PASSWORD_${upper}:-\${POSTERA_DB_OWNER_PASSWORD:-}}"
  set_password "postera_${svc}_owner" "$password"
done
echo "postera: roles ready in database $db"
