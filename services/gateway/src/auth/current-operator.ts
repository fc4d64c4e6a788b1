import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './auth.guard.js';
import type { Operator } from './roles.js';

/** The authenticated operator of the request (set by AuthGuard). */
export const CurrentOperator = createParamDecorator((_data: unknown, ctx: ExecutionContext): Operator => {
  const op = ctx.switchToHttp().getRequest<AuthenticatedRequest>().operator;
  if (!op) throw new Error('no operator on the request: the route is missing AuthGuard');
  return op;
});
