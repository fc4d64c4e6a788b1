import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { isIsoDate } from '@postera/kernel';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/** A calendar date written YYYY-MM-DD that exists (2026-02-30 does not). */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsoDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be a date YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isIsoDate(value) },
    });
}

/** Every broken rule of a body, one line each: "comment must be shorter than or equal to 2000 characters". */
export function bodyProblems(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const at = path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (path ? `${path}.${m}` : m));
    return [...own, ...bodyProblems(e.children ?? [], at)];
  });
}

/**
 * The pipe that checks a request body against its class (class-validator): a field the class does
 * not declare is refused rather than ignored, and the 400 names every problem at once, as a
 * proposal's refusal does. Bodies typed by an interface or `unknown` pass untouched (the service that
 * owns them checks them where they land).
 */
export function bodyValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ message: 'the request has problems; fix every one and send it again', problems: bodyProblems(errors) }),
  });
}
