import { ConflictException, SetMetadata } from '@nestjs/common';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { FourEyes } from './operator.js';
import { CHECKERS, type Role } from './roles.js';

export const FOUR_EYES_KEY = 'postera:four-eyes';

/**
 * A route that changes what a second person must approve: the service refuses any call whose token
 * does not prove both people (maker and checker, different, the checker holding one of `checkers`),
 * whatever path the call came by.
 */
export const RequiresFourEyes = (...checkers: Role[]) => SetMetadata(FOUR_EYES_KEY, checkers.length > 0 ? checkers : CHECKERS);

/**
 * The approvals a service applied, one row per four-eyes token: a token is spent once (a replayed
 * request is refused), and the service keeps its own record of who proposed and who approved.
 */
export async function spendFourEyes(ds: DataSource, schema: string, jti: string, fe: FourEyes, request: { method: string; path: string }): Promise<void> {
  const rows = (await ds.query(
    `INSERT INTO ${schema}.four_eyes_approvals (jti, proposal_id, maker, checker, method, path) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (jti) DO NOTHING RETURNING jti`,
    [jti, fe.proposal, fe.maker.id, fe.checker.id, request.method.toUpperCase(), request.path],
  )) as unknown[];
  if (rows.length === 0) throw new ConflictException(`this approval (${fe.proposal}) was already used for a request: a replay is refused`);
}

/** A platform migration, the same for every service that applies approved changes: the spent approvals. */
export function fourEyesApprovalsMigration(schema: string): new () => MigrationInterface {
  return class PlatformFourEyesApprovals1796700000000 implements MigrationInterface {
    name = 'PlatformFourEyesApprovals1796700000000';

    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE ${schema}.four_eyes_approvals (
        jti text PRIMARY KEY,
        proposal_id text NOT NULL,
        maker text NOT NULL,
        checker text NOT NULL CHECK (checker <> maker),
        method text NOT NULL,
        path text NOT NULL,
        used_at timestamptz NOT NULL DEFAULT now()
      )`);
      await q.query(`CREATE INDEX four_eyes_approvals_proposal ON ${schema}.four_eyes_approvals (proposal_id)`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE ${schema}.four_eyes_approvals`);
    }
  };
}
