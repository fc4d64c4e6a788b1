export * from './decimal.js';
export * from './money.js';
export * from './dates.js';
export * from './calendars.js';
export * from './iso-codes.js';
export * from './ids.js';
export * from './result.js';
