export * from './infra.js';
export * from './smtp-sink.js';
export * from './amount-form.js';
export * from './trade-builders.js';
export * from './openapi-answers.js';
