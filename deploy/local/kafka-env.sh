# shellcheck shell=bash
# Sourced by scripts/*.sh: the connection of the local broker's admin principal (deploy/local/kafka.sh
# creates it, and every principal of the catalogue, with the password `<name>-local-secret`), unless
# the environment names its own SASL settings (another cluster). Tools and tests connect with it;
# each service of a devstack Stack gets its own principal. Local only: never a deployment's password.
if [[ -z "${KAFKA_SASL_MECHANISM:-}" ]]; then
  export KAFKA_SASL_MECHANISM=scram-sha-512
  export KAFKA_SASL_USERNAME=postera-admin
  export KAFKA_SASL_PASSWORD=postera-admin-local-secret
fi
