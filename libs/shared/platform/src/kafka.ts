/**
 * The Kafka connection and ACL helpers alone (`@postera/platform/kafka`), for plain scripts such as
 * deploy/local/create-topics.mjs that must not load the whole platform (Nest, TypeORM).
 */
export * from './messaging/kafka-client-options.js';
export * from './messaging/kafka-acls.js';
export * from './messaging/kafkajs-request-queue.js';
