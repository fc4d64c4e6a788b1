import { BadRequestException, Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { CONFIG, CurrentOperator, MAKERS, READERS, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { SCENARIO_RULES_MAX, scenarioRuleSchema, type MarketSimConfig } from '../config.js';
import { scenarioInForce, setScenario } from './scenario-store.js';

/** A scenario as a tester sends it: the rules (config.ts, scenarioRuleSchema) and the daily fail rate of the instructions no rule names. */
const scenarioBody = z
  .object({
    rules: z.array(scenarioRuleSchema).max(SCENARIO_RULES_MAX),
    failRate: z.number().min(0).max(1).default(0),
  })
  .strict();

/**
 * The simulated CSD's scenario, set while it runs so that a test arranges what it needs on purpose —
 * a fail on an ISIN and its penalties, a late match, a partial settlement — without restarting the
 * CSD. It takes effect from the next instruction received and the next close; what already happened
 * stays. Reached through the gateway only where a simulated CSD is configured (never in production).
 */
@Controller('scenario')
export class ScenarioController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: MarketSimConfig,
  ) {}

  @Get()
  @Roles(...READERS, 'admin')
  async get() {
    return scenarioInForce(this.ds.manager, this.config);
  }

  @Put()
  @Roles(...MAKERS)
  async put(@Body() body: unknown, @CurrentOperator() who: Operator) {
    const parsed = scenarioBody.safeParse(body ?? {});
    if (!parsed.success)
      throw new BadRequestException({
        message: 'scenario refused',
        problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      });
    await this.ds.transaction((tx) => setScenario(tx, parsed.data, who.id));
    return scenarioInForce(this.ds.manager, this.config);
  }
}
