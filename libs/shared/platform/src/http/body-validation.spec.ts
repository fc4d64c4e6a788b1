import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsString, MaxLength, ValidateNested } from 'class-validator';
import { bodyValidationPipe, IsIsoDate } from './body-validation.js';

class Leg {
  @IsIsoDate()
  valueDate!: string;
}

class Instruction {
  @IsString()
  @MaxLength(4)
  reference!: string;

  @ValidateNested()
  @Type(() => Leg)
  leg!: Leg;
}

const asBody = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function problems(body: unknown): Promise<string[]> {
  try {
    await bodyValidationPipe().transform(body, asBody(Instruction));
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { problems: string[] }).problems;
  }
  return [];
}

describe('bodyValidationPipe', () => {
  it('passes a body that keeps every rule', async () => {
    expect(await problems({ reference: 'AB12', leg: { valueDate: '2026-12-04' } })).toEqual([]);
  });

  it('names every problem at once, a nested one with its path, and refuses a field the class does not declare', async () => {
    expect((await problems({ reference: 'ABCDE', leg: { valueDate: '2026-02-30' }, price: '1' })).sort()).toEqual([
      'leg.valueDate must be a date YYYY-MM-DD',
      'property price should not exist',
      'reference must be shorter than or equal to 4 characters',
    ]);
  });

  it('takes a missing body as an empty one: each required field is named', async () => {
    expect((await problems(undefined)).sort()).toEqual(['reference must be a string', 'reference must be shorter than or equal to 4 characters']);
  });

  it('leaves a body typed by an interface (a plain object) to the service that owns it', async () => {
    const anything = { whatever: ['x'] };
    await expect(bodyValidationPipe().transform(anything, asBody(Object))).resolves.toBe(anything);
  });
});
