import { readFileSync } from 'node:fs';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** An empty variable is an absent one (compose's `${VAR:-}`, a Job that clears a ConfigMap's setting). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * How a Kafka client reaches and proves itself to the brokers: the one set of settings read by every
 * client Postera builds (services, the gateway's DLQ reader, the tools, the tests' helpers).
 * SCRAM-SHA-512 names a principal per service, which the broker's ACLs then limit to its own topics
 * (docs/kafka-authentication.md); TLS protects the password exchange and the records on the wire.
 */
export const kafkaConnectionSchema = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** SASL mechanism; absent: no authentication (a broker with ACLs on refuses such a client). */
  KAFKA_SASL_MECHANISM: optional(z.enum(['scram-sha-512', 'scram-sha-256'])),
  KAFKA_SASL_USERNAME: optional(z.string().min(1)),
  /** From a Secret in a deployment, never written in a manifest. */
  KAFKA_SASL_PASSWORD: optional(z.string().min(1)),
  /** TLS to the brokers, the server's certificate verified (against KAFKA_TLS_CA_FILE when set, else the system's CAs). */
  KAFKA_TLS: bool.default(false),
  /** PEM file of the CA that signed the brokers' certificates (a private CA). */
  KAFKA_TLS_CA_FILE: optional(z.string().min(1)),
  /** Client certificate and key (PEM) for brokers that also ask for one (mutual TLS); both or neither. */
  KAFKA_TLS_CERT_FILE: optional(z.string().min(1)),
  KAFKA_TLS_KEY_FILE: optional(z.string().min(1)),
});
export type KafkaConnectionConfig = z.infer<typeof kafkaConnectionSchema>;

/**
 * What the field rules alone cannot say: a mechanism needs a username and a password, credentials
 * need a mechanism, TLS files need TLS. Every problem, or none; loadConfig refuses to boot on any.
 */
export function kafkaConnectionProblems(c: Partial<KafkaConnectionConfig>): string[] {
  const problems: string[] = [];
  if (c.KAFKA_SASL_MECHANISM) {
    if (!c.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM');
    if (!c.KAFKA_SASL_PASSWORD) problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM');
  } else if (c.KAFKA_SASL_USERNAME || c.KAFKA_SASL_PASSWORD) {
    problems.push('KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD');
  }
  if (!c.KAFKA_TLS && (c.KAFKA_TLS_CA_FILE || c.KAFKA_TLS_CERT_FILE || c.KAFKA_TLS_KEY_FILE)) {
    problems.push('KAFKA_TLS: must be true when a KAFKA_TLS_*_FILE is set');
  }
  if (Boolean(c.KAFKA_TLS_CERT_FILE) !== Boolean(c.KAFKA_TLS_KEY_FILE)) {
    problems.push('KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE: both or neither');
  }
  return problems;
}

/** The part of kafkajs's KafkaConfig these settings decide (structurally kafkajs's own types). */
export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  ssl?: { rejectUnauthorized: true; ca?: string[]; cert?: string; key?: string };
  sasl?: ScramOptions;
}
type ScramOptions = { mechanism: 'scram-sha-512'; username: string; password: string } | { mechanism: 'scram-sha-256'; username: string; password: string };

/**
 * The one place a Kafka client's connection is built from configuration: brokers, TLS (the
 * certificate always verified: there is no switch to turn verification off) and SASL. Files are
 * read here, so a missing CA fails at boot with its path named. Throws on inconsistent settings.
 */
export function kafkaClientOptions(
  c: KafkaConnectionConfig,
  clientId: string,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): KafkaClientOptions {
  const problems = kafkaConnectionProblems(c);
  if (problems.length > 0) throw new Error(`kafka connection settings refused: ${problems.join('; ')}`);
  const options: KafkaClientOptions = {
    clientId,
    brokers: c.KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
  };
  if (c.KAFKA_TLS) {
    options.ssl = {
      rejectUnauthorized: true,
      ...(c.KAFKA_TLS_CA_FILE ? { ca: [readFile(c.KAFKA_TLS_CA_FILE)] } : {}),
      ...(c.KAFKA_TLS_CERT_FILE && c.KAFKA_TLS_KEY_FILE ? { cert: readFile(c.KAFKA_TLS_CERT_FILE), key: readFile(c.KAFKA_TLS_KEY_FILE) } : {}),
    };
  }
  if (c.KAFKA_SASL_MECHANISM && c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD) {
    const credentials = { username: c.KAFKA_SASL_USERNAME, password: c.KAFKA_SASL_PASSWORD };
    switch (c.KAFKA_SASL_MECHANISM) {
      case 'scram-sha-512':
        options.sasl = { mechanism: 'scram-sha-512', ...credentials };
        break;
      case 'scram-sha-256':
        options.sasl = { mechanism: 'scram-sha-256', ...credentials };
        break;
    }
  }
  return options;
}

/**
 * The connection settings of a process that has no service config of its own (tools, tests' helpers,
 * scripts), read from the environment with the same rules; throws with every problem named.
 */
export function kafkaConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnectionConfig {
  const parsed = kafkaConnectionSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`kafka connection settings refused: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const problems = kafkaConnectionProblems(parsed.data);
  if (problems.length > 0) throw new Error(`kafka connection settings refused: ${problems.join('; ')}`);
  return parsed.data;
}
