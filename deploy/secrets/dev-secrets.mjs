#!/usr/bin/env node
// Secrets for a laptop (compose) or a demo cluster (the dev overlay), made here so that no secret
// value is ever committed. Values are random, kept in a git-ignored file and reused on the next run
// (only missing ones are added), so the database roles keep the passwords they were given.
//
//   node deploy/secrets/dev-secrets.mjs compose
//       writes deploy/compose/.env (git-ignored), which docker compose reads beside compose.yaml:
//       the runtime roles' password and the owner roles' (never the same), the gateway's signing
//       and audit MAC keys, the webhook secret and key
//   node deploy/secrets/dev-secrets.mjs k8s --db-host postgres.databases.svc [--smtp-url smtp://…:587] \
//       | kubectl apply -n postera-dev -f -
//       keeps the values in deploy/k8s/overlays/dev/.secrets.json (git-ignored) and prints the
//       Secrets the pods, the migration Jobs and the roles Job read (a v1 List): each role's
//       postera-<service>-db (runtime role) and postera-<service>-db-owner (owner role, for the
//       migrations), market-sim's included, postera-db-passwords, postera-gateway-audit,
//       postera-gateway-service-token, postera-notification-delivery; postera-db-admin, the database
//       administrator's own credentials, is yours to create (deploy/README.md).
//
// Options: --state <file> (instead of the default file of the mode), --db-port, --db-name, --smtp-url,
// --kafka-ca <PEM file of the brokers' CA> (k8s).
// Production does not use this: see deploy/README.md, Operations.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const roles = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway', 'market-sim'];
/** The Kafka principals: the services' (topics.json), the feeds from outside, and the broker's admin. */
const kafkaPrincipals = [...roles, 'upstream', 'admin'];

const password = () => randomBytes(24).toString('base64url');
/** The gateway's signing key: a private EC P-256 JWK with a kid (SERVICE_TOKEN_KEYS). */
function signingKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({
    ...privateKey.export({ format: 'jwk' }),
    kid: `postera-gateway-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
  });
}
/** WEBHOOK_SECRETS_KEY: 32 random bytes, base64. */
const aesKey = () => randomBytes(32).toString('base64');

function options(argv) {
  const o = { mode: argv[0] };
  for (let i = 1; i < argv.length; i += 2) {
    const k = argv[i];
    if (!k?.startsWith('--') || argv[i + 1] === undefined) throw new Error(`unexpected argument ${k}`);
    o[k.slice(2)] = argv[i + 1];
  }
  return o;
}

function compose(o) {
  const file = o.state ?? join(deployDir, 'compose/.env');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const have = new Set([...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const wanted = {
    POSTGRES_PASSWORD: password,
    POSTERA_DB_PASSWORD: password,
    POSTERA_WEBHOOK_SECRET: password,
    POSTERA_WEBHOOK_SECRETS_KEY: aesKey,
    POSTERA_SERVICE_TOKEN_KEYS: signingKey,
    POSTERA_DB_OWNER_PASSWORD: password,
    POSTERA_AUDIT_MAC_KEY: aesKey,
    ...Object.fromEntries(kafkaPrincipals.map((p) => [`POSTERA_KAFKA_PASSWORD_${p.toUpperCase().replace(/-/g, '_')}`, password])),
  };
  // Single quotes: compose takes the value as it is (the JWK's JSON has double quotes, no single ones).
  const added = Object.entries(wanted)
    .filter(([k]) => !have.has(k))
    .map(([k, make]) => `${k}='${make()}'`);
  if (added.length) writeFileSync(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${added.join('\n')}\n`, { mode: 0o600 });
  process.stderr.write(`${file}: ${added.length ? `added ${added.map((l) => l.split('=')[0]).join(', ')}` : 'complete, nothing changed'}\n`);
}

function k8s(o) {
  if (!o['db-host']) throw new Error('--db-host is required: the PostgreSQL host the pods reach (e.g. postgres.databases.svc)');
  const file = o.state ?? join(deployDir, 'k8s/overlays/dev/.secrets.json');
  const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const before = JSON.stringify(state);
  state.dbPasswords ??= {};
  for (const r of roles) state.dbPasswords[r] ??= password();
  state.dbOwnerPasswords ??= {};
  for (const r of roles) state.dbOwnerPasswords[r] ??= password();
  state.auditMacKey ??= aesKey();
  state.auditMacKeyId ??= new Date().toISOString().slice(0, 7);
  state.serviceTokenKeys ??= signingKey();
  state.webhookSecretsKey ??= aesKey();
  state.webhookSecret ??= password();
  state.kafkaPasswords ??= {};
  for (const r of roles) state.kafkaPasswords[r] ??= password();
  if (JSON.stringify(state) !== before) writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });

  const host = `${o['db-host']}:${o['db-port'] ?? '5432'}`;
  const db = o['db-name'] ?? 'postera';
  const secret = (name, stringData) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'postera' } },
    type: 'Opaque',
    stringData,
  });
  const envName = (r) => r.toUpperCase().replace(/-/g, '_');
  const items = [
    ...roles.map((r) => secret(`postera-${r}-db`, { DATABASE_URL: `postgres://postera_${r.replace(/-/g, '_')}:${state.dbPasswords[r]}@${host}/${db}` })),
    ...roles.map((r) =>
      secret(`postera-${r}-db-owner`, { DATABASE_URL: `postgres://postera_${r.replace(/-/g, '_')}_owner:${state.dbOwnerPasswords[r]}@${host}/${db}` }),
    ),
    secret(
      'postera-db-passwords',
      Object.fromEntries(
        roles.flatMap((r) => [
          [`POSTERA_DB_PASSWORD_${envName(r)}`, state.dbPasswords[r]],
          [`POSTERA_DB_OWNER_PASSWORD_${envName(r)}`, state.dbOwnerPasswords[r]],
        ]),
      ),
    ),
    secret('postera-gateway-audit', { AUDIT_MAC_KEY: state.auditMacKey, AUDIT_MAC_KEY_ID: state.auditMacKeyId }),
    secret('postera-gateway-service-token', { SERVICE_TOKEN_KEYS: state.serviceTokenKeys }),
    // Each service's Kafka principal; the SCRAM users must be made on the broker with these
    // passwords (deploy/README.md, Kafka), and KAFKA_TLS_CA is the PEM of the brokers' CA (--kafka-ca).
    ...roles.map((r) =>
      secret(`postera-${r}-kafka`, {
        KAFKA_SASL_USERNAME: r,
        KAFKA_SASL_PASSWORD: state.kafkaPasswords[r],
        KAFKA_TLS_CA: o['kafka-ca'] ? readFileSync(o['kafka-ca'], 'utf8') : '',
      }),
    ),
    secret('postera-notification-delivery', {
      // No credentials by default: a mail catcher or a relay that takes the cluster's mail.
      SMTP_URL: o['smtp-url'] ?? 'smtp://mail.invalid:587',
      WEBHOOK_SECRETS_KEY: state.webhookSecretsKey,
      WEBHOOK_SECRET: state.webhookSecret,
    }),
  ];
  process.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);
}

try {
  const o = options(process.argv.slice(2));
  if (o.mode === 'compose') compose(o);
  else if (o.mode === 'k8s') k8s(o);
  else throw new Error('usage: dev-secrets.mjs compose | k8s --db-host <host> [--smtp-url <url>]');
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(64);
}
