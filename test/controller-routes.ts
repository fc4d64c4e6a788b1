import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { REPO_ROOT } from '@postera/devstack';
import { FOUR_EYES_KEY, ROLES_KEY, type Role } from '@postera/platform';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PLATFORM_SERVICE_CONTROLLER = join(REPO_ROOT, 'libs', 'shared', 'platform', 'src', 'outbox', 'parked-events.controller.ts');

export interface Route {
  method: string;
  path: string;
  /** What the guard reads: the roles named on the route, and whether it needs two people. */
  roles: Role[];
  fourEyes: boolean;
}

/** The routes a service's controllers declare (read from the decorators), with the roles and four-eyes marks the guard enforces. */
export async function routesOf(service: string): Promise<Route[]> {
  // The simulated CSD is a tool (it stands for the market, outside the back office), with routes of its own.
  const dir = service === 'market-sim' ? join(REPO_ROOT, 'tools', 'market-sim', 'src') : join(REPO_ROOT, 'services', service, 'src');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.controller.ts')).map((f) => join(dir, f));
  // The platform mounts its parked-outbox routes in every service behind the gateway (nest/service-module.ts).
  if (service !== 'gateway' && service !== 'market-sim') files.push(PLATFORM_SERVICE_CONTROLLER);
  const routes: Route[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const cls of Object.values(mod)) {
      if (typeof cls !== 'function' || Reflect.getMetadata(PATH_METADATA, cls) === undefined) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      const proto = (cls as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const meta = (key: string) => (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, cls)) as unknown;
        routes.push({ method, path, roles: (meta(ROLES_KEY) as Role[] | undefined) ?? [], fourEyes: meta(FOUR_EYES_KEY) !== undefined });
      }
    }
  }
  return routes;
}
