import { ForbiddenException, HttpException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearer, CONFIG, InvalidToken, LOG, PUBLIC_ROUTE, ROLES_KEY, type AuthenticatedRequest, type Log, type Operator, type Role } from '@postera/platform';
import type { GatewayConfig } from '../config.js';
import { WindowLimiter } from './rate-limit.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Every gateway route: a valid bearer token of the operators' issuer (401 otherwise) whose roles
 * include one the route names (403 otherwise). A route that names no role is closed to everyone —
 * deny by default; only the platform's probes and the gateway's public keys are public. Then a rate
 * limit per operator (429), and apart from it a limit on failed authentications per client address.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly perOperator: WindowLimiter;
  private readonly failuresPerAddress: WindowLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.perOperator = new WindowLimiter(config.RATE_LIMIT_PER_MINUTE);
    this.failuresPerAddress = new WindowLimiter(config.AUTH_FAILURES_PER_ADDRESS_PER_MINUTE);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = req.ip ?? 'unknown';
    const failed = (message: string): never => {
      if (!this.failuresPerAddress.hit(address))
        throw new HttpException(
          `too many failed sign-ins from ${address}: at most ${this.config.AUTH_FAILURES_PER_ADDRESS_PER_MINUTE} a minute; retry in a minute`,
          429,
        );
      throw new UnauthorizedException(message);
    };
    const token = bearer(req);
    if (!token) return failed('a bearer token is required (Authorization: Bearer <jwt>)');
    let operator: Operator;
    try {
      operator = await this.verifier.verify(token);
    } catch (e) {
      if (e instanceof InvalidToken) return failed(e.message);
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
    if (!this.perOperator.hit(operator.id))
      throw new HttpException(`rate limit: at most ${this.config.RATE_LIMIT_PER_MINUTE} requests a minute; retry in a minute`, 429);
    req.operator = operator;
    return true;
  }
}
