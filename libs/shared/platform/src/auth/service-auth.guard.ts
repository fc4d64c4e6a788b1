import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { BaseConfig } from '../config.js';
import type { Log } from '../logger.js';
import { CONFIG, LOG, PUBLIC_ROUTE, SERVICE_SCHEMA } from '../nest/tokens.js';
import { FOUR_EYES_KEY, spendFourEyes } from './four-eyes.js';
import { fourEyesProblems, type AuthenticatedRequest } from './operator.js';
import { ROLES_KEY, type Role } from './roles.js';
import { InvalidToken, ServiceTokenVerifier } from './service-token.js';

/** The bearer token of a request, or null. */
export function bearer(req: AuthenticatedRequest): string | null {
  const header = req.headers.authorization;
  return typeof header === 'string' && /^Bearer [A-Za-z0-9._~+/=-]+$/.test(header) ? header.slice(7) : null;
}

/** The path a token is bound to: the request's own, without its query. */
export const requestPath = (req: AuthenticatedRequest) => new URL(req.originalUrl ?? req.path, 'http://service.invalid').pathname;

/**
 * Every route of a service but its probes: a token the gateway signed for this service and this
 * request (401 otherwise), roles the route names (403; a route naming none is closed: deny by
 * default), and for a change that needs two people, a four-eyes proof that holds, spent once (403,
 * 409 on replay). The operator comes from the token only.
 */
@Injectable()
export class ServiceAuthGuard implements CanActivate {
  private readonly verifier: ServiceTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    private readonly ds: DataSource,
    @Inject(CONFIG) config: BaseConfig,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.verifier = new ServiceTokenVerifier({
      jwksUrl: config.SERVICE_AUTH_JWKS_URL,
      jwksJson: config.SERVICE_AUTH_JWKS_JSON,
      issuer: config.SERVICE_AUTH_ISSUER,
      audience: config.SERVICE_NAME,
      onStaleKeys: (e) => log.warn({ err: e.message }, 'the gateway’s keys could not be refreshed: verifying with the last ones fetched'),
    });
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearer(req);
    if (!token) throw new UnauthorizedException('a bearer token signed by the gateway is required (Authorization: Bearer <jwt>)');
    const request = { method: req.method, path: requestPath(req) };
    let who: Awaited<ReturnType<ServiceTokenVerifier['verify']>>;
    try {
      who = await this.verifier.verify(token, request);
    } catch (e) {
      if (e instanceof InvalidToken) {
        this.log.warn({ method: req.method, path: request.path, reason: e.message }, 'refused: token');
        throw new UnauthorizedException(e.message);
      }
      throw e;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!who.roles.some((r) => allowed.includes(r))) {
      this.log.warn({ operator: who.id, roles: who.roles, method: req.method, path: request.path }, 'refused: role not allowed');
      throw new ForbiddenException(
        allowed.length === 0
          ? 'this route is open to no role'
          : `this needs one of the roles ${allowed.join(', ')}; you have ${who.roles.join(', ') || 'none'}`,
      );
    }
    const checkers = this.reflector.getAllAndOverride<Role[] | undefined>(FOUR_EYES_KEY, targets);
    if (checkers || who.fourEyes) {
      const problems = fourEyesProblems(who.fourEyes, checkers);
      if (problems.length > 0) {
        this.log.warn({ operator: who.id, method: req.method, path: request.path, problems }, 'refused: four eyes');
        throw new ForbiddenException({ message: 'four eyes: refused', problems });
      }
      await spendFourEyes(this.ds, this.schema, who.jti, who.fourEyes!, request);
    }
    const { jti: _jti, ...operator } = who;
    req.operator = operator;
    return true;
  }
}
