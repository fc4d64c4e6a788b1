#!/usr/bin/env bash
# Brings up what Postera needs on this machine, idempotently:
#  - PostgreSQL: the local server is started with pg_ctlcluster when it does not answer (unless DATABASE_URL points elsewhere);
#  - Kafka: with KAFKA_BROKERS unset, the project's own single-node KRaft broker (deploy/local/kafka.sh) —
#    with KAFKA_BROKERS set, that cluster is used and only the topics are created;
#  - xmllint (Debian's libxml2-utils): the schema validator of the ISO 20022 messages (tests, market
#    simulator, `postera iso20022 validate`), installed with apt-get when missing;
#  - pdftotext and pdftoppm (Debian's poppler-utils): the notices' PDFs rendered by a real reader in
#    notification's tests, installed with apt-get when missing;
#  - Chromium (Debian's chromium): the browser the console's tests drive (playwright-core), installed
#    with apt-get when missing (CHROMIUM names another).
set -euo pipefail
cd "$(dirname "$0")/.."

# A tool the tests need, installed from Debian when missing and this runs as root; otherwise a stop
# that says what to install.
require_tool() { # <what> <Debian package> <how to get it elsewhere>
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "$1: installing $2"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "$1: not found; install $3" >&2
    exit 1
  fi
}

if [ -z "${XMLLINT:-}" ] && ! command -v xmllint >/dev/null 2>&1; then
  require_tool xmllint libxml2-utils "libxml2-utils (Debian/Ubuntu) or libxml2 (others), or set XMLLINT"
fi
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  require_tool pdftotext poppler-utils "poppler-utils (Debian/Ubuntu, or poppler elsewhere)"
fi
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  require_tool chromium chromium "chromium (Debian/Ubuntu), or set CHROMIUM to a Chromium or Chrome binary"
fi

if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      echo "postgres: no server answers on 127.0.0.1:5432 and none is installed here; set DATABASE_URL" >&2
      exit 1
    fi
    echo "postgres: starting the local cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432
fi

bash deploy/local/kafka.sh start
