import { SetMetadata } from '@nestjs/common';

/** The operators' roles (DESIGN.md §9), the same at the gateway and at every service. */
export const ROLES = ['operator', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'postera:roles';

/** The roles that may call a route. A route without it is closed to everyone: deny by default. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Who may read the back office's state: every role that works it or checks it. */
export const READERS: Role[] = ['operator', 'supervisor', 'auditor'];
/** Who may propose a change (a proposal, approved by someone else), or act alone where no second person is needed. */
export const MAKERS: Role[] = ['operator', 'supervisor'];
/** Who may approve a proposal of someone else. */
export const CHECKERS: Role[] = ['supervisor'];

export const isRole = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r);
