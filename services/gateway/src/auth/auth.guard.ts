import { ForbiddenException, HttpException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearer, CONFIG, InvalidToken, LOG, PUBLIC_ROUTE, ROLES_KEY, type AuthenticatedRequest, type Log, type Operator, type Role } from '@postera/platform';
import type { GatewayConfig } from '../config.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Every gateway route: a valid bearer token of the operators' issuer (401 otherwise) whose roles include one the route names
 * (403 otherwise). A route that names no role is closed to everyone — deny by default; only the
 * platform's probes are public. Then a rate limit per operator (429).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    this.limit(`ip:${req.ip ?? 'unknown'}`, this.config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE);
    const token = bearer(req);
    if (!token) throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <jwt>)');
    let operator: Operator;
    try {
      operator = await this.verifier.verify(token);
    } catch (e) {
      if (e instanceof InvalidToken) throw new UnauthorizedException(e.message);
      throw e;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!operator.roles.some((r) => allowed.includes(r))) {
      this.log.warn({ operator: operator.id, roles: operator.roles, path: req.path, method: req.method }, 'refused: role not allowed');
      throw new ForbiddenException(
        allowed.length === 0
          ? 'this route is open to no role'
          : `this needs one of the roles ${allowed.join(', ')}; you have ${operator.roles.join(', ') || 'none'}`,
      );
    }
    this.limit(`op:${operator.id}`, this.config.RATE_LIMIT_PER_MINUTE);
    req.operator = operator;
    return true;
  }

  /** A one-minute window per key from its first request, in this replica's memory (documented: the limit is per replica). */
  private limit(key: string, perMinute: number): void {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, { start: now, count: 1 });
      return;
    }
    w.count++;
    if (w.count > perMinute) throw new HttpException(`rate limit: at most ${perMinute} requests a minute; retry in a minute`, 429);
  }
}
