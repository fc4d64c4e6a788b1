import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { refuseDotSegments } from './services.js';

describe('a call to a service stays on the route it names', () => {
  it.each([
    'http://capture:3001/trades/..',
    'http://capture:3001/trades/%2E%2E/approve',
    'http://capture:3001/reports/runs/./files/x',
    'http://capture:3001/exceptions/%2e',
  ])('refuses %s', (url) => {
    const e = (() => {
      try {
        refuseDotSegments(url);
        return null;
      } catch (x) {
        return x;
      }
    })();
    expect([e instanceof HttpException, (e as HttpException).getStatus()]).toEqual([true, 400]);
  });

  it.each(['http://capture:3001/trades/FO-EQ%3AT..1', 'http://capture:3001/trades?x=..', 'http://capture:3001/reports/runs/r/files/a..b.csv'])(
    'lets %s through',
    (url) => {
      expect(() => refuseDotSegments(url)).not.toThrow();
    },
  );
});
