export * from './topics.js';
export * from './envelope.js';
export * from './trades-executed.v1.js';
export * from './trade-events.v1.js';
export * from './settlement.v1.js';
export * from './accounting.v1.js';
export * from './business-day.v1.js';
export * from './refdata.v1.js';
