import { afterEach, describe, expect, it } from '@jest/globals';
import { accountingConfigSchema } from './config.js';

const issues = (env: Record<string, string>) => {
  const r = accountingConfigSchema.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe("accounting's settings: the company's FEC identity is required", () => {
  const argv = process.argv[2];
  afterEach(() => {
    process.argv[2] = argv!;
  });
  it('refuses to start without FEC_SIREN and FISCAL_YEAR_END, naming both', () => {
    expect(issues({})).toEqual([
      "FEC_SIREN: FEC_SIREN is required (the company's FEC settings; no default)",
      "FISCAL_YEAR_END: FISCAL_YEAR_END is required (the company's FEC settings; no default)",
    ]);
  });
  it('refuses a SIREN failing the Luhn check, the old 000000000, and a closing day that not every year has', () => {
    expect(issues({ FEC_SIREN: '123456789', FISCAL_YEAR_END: '12-31' })).toEqual(["FEC_SIREN: FEC_SIREN: the company's SIREN, 9 digits passing the Luhn check"]);
    expect(issues({ FEC_SIREN: '000000000', FISCAL_YEAR_END: '12-31' })).toHaveLength(1);
    expect(issues({ FEC_SIREN: '123456782', FISCAL_YEAR_END: '02-29' })).toEqual(['FISCAL_YEAR_END: FISCAL_YEAR_END: the closing day of the fiscal year, MM-DD (02-29 refused)']);
  });
  it('accepts a valid company', () => {
    const r = accountingConfigSchema.parse({ FEC_SIREN: '123456782', FISCAL_YEAR_END: '06-30' });
    expect([r.FEC_SIREN, r.FISCAL_YEAR_END]).toEqual(['123456782', '06-30']);
  });
  it('`main.js migrate` does without them: a schema change exports nothing', () => {
    process.argv[2] = 'migrate';
    expect(issues({})).toEqual([]);
  });
});
