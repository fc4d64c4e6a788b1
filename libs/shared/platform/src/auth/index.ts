export * from './roles.js';
export * from './operator.js';
export * from './service-token.js';
export * from './four-eyes.js';
export * from './service-auth.guard.js';
export * from './remote-jwks.js';
