export const CONFIG = Symbol('postera.config');
export const LOG = Symbol('postera.log');
export const MESSAGE_BUS = Symbol('postera.message-bus');
export const HANDLERS = Symbol('postera.handlers');
export const DAY_HOOKS = Symbol('postera.day-hooks');
export const SERVICE_SCHEMA = Symbol('postera.schema');

/** Metadata of a route anyone may call without a token (health and metrics for the orchestrator and Prometheus). */
export const PUBLIC_ROUTE = 'postera:public-route';
