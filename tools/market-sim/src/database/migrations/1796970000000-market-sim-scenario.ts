import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scenario a tester sets while the simulated CSD runs (PUT /scenario): its rules and its daily
 * fail rate, in place of the ones it started with (MARKET_SIM_RULES, MARKET_SIM_FAIL_RATE), with who
 * set them and when. One row: the CSD follows one scenario at a time.
 */
export class MarketSimScenario1796970000000 implements MigrationInterface {
  name = 'MarketSimScenario1796970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE market_sim.scenario (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
      fail_rate numeric NOT NULL CHECK (fail_rate >= 0 AND fail_rate <= 1),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE market_sim.scenario`);
  }
}
