import { createParamDecorator, ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { CHECKERS, MAKERS, type Role } from './roles.js';

/** A person as verified claims name them. */
export interface Person {
  id: string;
  name: string;
  roles: Role[];
}

/**
 * The proof that a change was wanted by one person and approved by another: the proposal, its
 * maker, and its checker — the person the token is about. Only the gateway's signature vouches for
 * it, and the service that applies the change checks it again.
 */
export interface FourEyes {
  proposal: string;
  maker: Person;
  checker: Person;
}

/** The person behind a request, from a verified token, with the four-eyes proof when the token carries one. */
export interface Operator extends Person {
  fourEyes?: FourEyes;
}

/** The parts of an HTTP request the guards read and write (express's request has them). */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  path: string;
  originalUrl?: string;
  method: string;
  operator?: Operator;
}

/** The authenticated operator of the request (set by the guard). */
export const CurrentOperator = createParamDecorator((_data: unknown, ctx: ExecutionContext): Operator => {
  const op = ctx.switchToHttp().getRequest<AuthenticatedRequest>().operator;
  if (!op) throw new Error('no operator on the request: the route is public or the guard is missing');
  return op;
});

/**
 * Problems with a four-eyes proof, none when it holds: two different people, the maker able to
 * propose, the checker holding one of the checker roles of the change. Pure, so the gateway and
 * every service apply the same rule.
 */
export function fourEyesProblems(fe: FourEyes | undefined, checkers: readonly Role[] = CHECKERS): string[] {
  if (!fe) return ['this change needs two people: propose it through the gateway (POST /api/proposals) and have a supervisor approve it'];
  const problems: string[] = [];
  if (fe.maker.id === fe.checker.id) problems.push(`maker-checker: ${fe.maker.id} proposed this change and cannot also approve it`);
  if (!fe.maker.roles.some((r) => MAKERS.includes(r))) problems.push(`the maker ${fe.maker.id} holds none of the roles ${MAKERS.join(', ')}`);
  if (!fe.checker.roles.some((r) => checkers.includes(r))) problems.push(`the checker ${fe.checker.id} holds none of the roles ${checkers.join(', ')}`);
  return problems;
}

/** Refuses (403) unless the operator carries a valid four-eyes proof; returns it. */
export function requireFourEyes(who: Operator, checkers: readonly Role[] = CHECKERS): FourEyes {
  const problems = fourEyesProblems(who.fourEyes, checkers);
  if (problems.length > 0) throw new ForbiddenException({ message: 'four eyes: refused', problems });
  return who.fourEyes!;
}
