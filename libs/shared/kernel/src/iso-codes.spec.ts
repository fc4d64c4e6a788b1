import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isinWithCheckDigit, isMicFormat, isValidIsin, isValidLei, leiWithCheckDigits } from './iso-codes.js';

describe('ISIN (ISO 6166)', () => {
  it.each(['US0378331005', 'FR0000120271', 'FR0000131104', 'DE0007164600', 'GB0002634946'])('accepts %s', (isin) => {
    expect(isValidIsin(isin)).toBe(true);
  });
  it.each(['US0378331006', 'FR0000120272', 'fr0000120271', 'FR000012027', 'FR00001202711', 42])('refuses %s', (isin) => {
    expect(isValidIsin(isin)).toBe(false);
  });
  it('completes any base with the one check digit that validates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{2}[A-Z0-9]{9}$/), (base) => {
        const isin = isinWithCheckDigit(base);
        const valid = [...'0123456789'].filter((d) => isValidIsin(base + d));
        expect(valid).toEqual([isin.slice(-1)]);
      }),
    );
  });
});

describe('LEI (ISO 17442, MOD 97-10)', () => {
  it.each(['HWUPKR0MPOU8FGXBT394', '969500UP76J52A9OXU27', '5493001KJTIIGC8Y1R12'])('accepts %s', (lei) => {
    expect(isValidLei(lei)).toBe(true);
  });
  it.each(['HWUPKR0MPOU8FGXBT395', 'HWUPKR0MPOU8FGXBT39', 'hwupkr0mpou8fgxbt394'])('refuses %s', (lei) => {
    expect(isValidLei(lei)).toBe(false);
  });
  // A letter stands for two digits (A = 10), so a same-kind substitution shifts the value by
  // (a − b)·10^k with 0 < |a − b| < 97: never a multiple of 97, always detected.
  it('any single same-kind substitution (digit for digit, letter for letter) is detected', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{18}$/), fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'ABCXYZ0189'), (base, pos, c) => {
        const lei = leiWithCheckDigits(base);
        const isDigit = (x: string | undefined) => x !== undefined && x >= '0' && x <= '9';
        fc.pre(base[pos] !== c && isDigit(base[pos]) === isDigit(c));
        const altered = lei.slice(0, pos) + c + lei.slice(pos + 1);
        expect(isValidLei(lei)).toBe(true);
        expect(isValidLei(altered)).toBe(false);
      }),
    );
  });
});

describe('MIC (ISO 10383) format', () => {
  it('accepts XPAR and XOFF, refuses lowercase and wrong length', () => {
    expect([isMicFormat('XPAR'), isMicFormat('XOFF'), isMicFormat('xpar'), isMicFormat('XPA')]).toEqual([true, true, false, false]);
  });
});
