import { describe, expect, it } from '@jest/globals';
import { kafkaClientOptions, kafkaConnectionFromEnv, kafkaConnectionProblems, type KafkaConnectionConfig } from './kafka-client-options.js';

const plain: KafkaConnectionConfig = { KAFKA_BROKERS: 'k1:9092, k2:9092', KAFKA_TLS: false };
const files: Record<string, string> = { '/ca.pem': 'CA PEM', '/cert.pem': 'CERT PEM', '/key.pem': 'KEY PEM' };
const readFile = (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`ENOENT: ${path}`);
  return content;
};

describe('kafka client options from configuration', () => {
  it('without TLS or SASL: the brokers alone', () => {
    expect(kafkaClientOptions(plain, 'capture', readFile)).toEqual({ clientId: 'capture', brokers: ['k1:9092', 'k2:9092'] });
  });

  it('SCRAM-SHA-512 with the service’s username and password', () => {
    const o = kafkaClientOptions(
      { ...plain, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'capture', KAFKA_SASL_PASSWORD: 's3cret' },
      'capture',
      readFile,
    );
    expect(o.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'capture', password: 's3cret' });
    expect(o.ssl).toBeUndefined();
  });

  it('TLS with a private CA: the certificate verified against it, never unverified', () => {
    const o = kafkaClientOptions({ ...plain, KAFKA_TLS: true, KAFKA_TLS_CA_FILE: '/ca.pem' }, 'capture', readFile);
    expect(o.ssl).toEqual({ rejectUnauthorized: true, ca: ['CA PEM'] });
  });

  it('TLS with the system CAs, and TLS with a client certificate', () => {
    expect(kafkaClientOptions({ ...plain, KAFKA_TLS: true }, 'x', readFile).ssl).toEqual({ rejectUnauthorized: true });
    const mutual = kafkaClientOptions({ ...plain, KAFKA_TLS: true, KAFKA_TLS_CERT_FILE: '/cert.pem', KAFKA_TLS_KEY_FILE: '/key.pem' }, 'x', readFile);
    expect(mutual.ssl).toEqual({ rejectUnauthorized: true, cert: 'CERT PEM', key: 'KEY PEM' });
  });

  it('TLS and SCRAM together (the production setting)', () => {
    const o = kafkaClientOptions(
      {
        ...plain,
        KAFKA_TLS: true,
        KAFKA_TLS_CA_FILE: '/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'gateway',
        KAFKA_SASL_PASSWORD: 'p',
      },
      'gateway-dlq',
      readFile,
    );
    expect(o).toEqual({
      clientId: 'gateway-dlq',
      brokers: ['k1:9092', 'k2:9092'],
      ssl: { rejectUnauthorized: true, ca: ['CA PEM'] },
      sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: 'p' },
    });
  });

  it('a missing CA file fails with its path named', () => {
    expect(() => kafkaClientOptions({ ...plain, KAFKA_TLS: true, KAFKA_TLS_CA_FILE: '/nowhere.pem' }, 'x', readFile)).toThrow('/nowhere.pem');
  });
});

describe('kafka connection settings refused', () => {
  it('a mechanism without its username and password', () => {
    expect(kafkaConnectionProblems({ ...plain, KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM',
    ]);
  });

  it('credentials without a mechanism (they would silently not be sent)', () => {
    expect(kafkaConnectionProblems({ ...plain, KAFKA_SASL_USERNAME: 'capture', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD',
    ]);
  });

  it('TLS files without TLS, and a certificate without its key', () => {
    expect(kafkaConnectionProblems({ ...plain, KAFKA_TLS_CA_FILE: '/ca.pem' })).toEqual(['KAFKA_TLS: must be true when a KAFKA_TLS_*_FILE is set']);
    expect(kafkaConnectionProblems({ ...plain, KAFKA_TLS: true, KAFKA_TLS_CERT_FILE: '/cert.pem' })).toEqual([
      'KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE: both or neither',
    ]);
  });

  it('a mechanism other than SCRAM (PLAIN would send the password itself)', () => {
    expect(() => kafkaConnectionFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow('KAFKA_SASL_MECHANISM');
  });

  it('from the environment: the defaults, then every problem at once', () => {
    expect(kafkaConnectionFromEnv({})).toEqual({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_TLS: false });
    expect(() => kafkaConnectionFromEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/USERNAME.*PASSWORD/);
  });
});
