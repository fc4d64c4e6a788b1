export * from './infra.js';
export * from './smtp-sink.js';
