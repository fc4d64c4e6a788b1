export * from './stack.js';
export * from './topics.js';
export * from './http.js';
export * from './sample.js';
export * from './publish.js';
export * from './day.js';
export * from './confirmations.js';
export * from './auth.js';
