/**
 * Errors as `application/problem+json` (RFC 9457; README, API conventions). Services throw
 * Nest's HTTP exceptions; a 400 from validation carries `errors: [{ field, message }]`.
 */
import { BadRequestException, ConflictException, ValidationError } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export interface FieldError {
  field: string;
  message: string;
}

export class FieldErrorDto implements FieldError {
  @ApiProperty({
    example: 'email',
    description: 'The field at fault, as a path (`parties[0].councilId`)',
  })
  field: string;
  @ApiProperty({ example: 'email must be an email' }) message: string;
}

/** What every error answer carries (`ProblemDetailsFilter`), as `application/problem+json`. */
export class ProblemDto {
  @ApiProperty({ example: 'about:blank' }) type: string;
  @ApiProperty({ example: 'Not Found', description: 'The HTTP status in words' }) title: string;
  @ApiProperty({ type: 'integer', example: 404 }) status: number;
  @ApiProperty({ example: 'No workstream with that id' }) detail: string;
  @ApiProperty({
    example: '/api/v1/workstreams/3f0c9a4e-2b8d-4c1e-9a57-6d2f1b0e8c44',
    description: 'The path (and query) of the request',
  })
  instance: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'On 400: the fields at fault' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    type: 'integer',
    example: 40,
    description: 'On 429 and 503: seconds to wait, as in the Retry-After header',
  })
  retryAfter?: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'On 409 when a decision still backs a commitment: that participation',
  })
  participationId?: string;
  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    isArray: true,
    description: 'On 409 when a leaving council still leads workstreams: those workstreams',
  })
  workstreamIds?: string[];
}

export class ValidationProblem extends BadRequestException {
  constructor(errors: FieldError[]) {
    const seen = new Set<string>();
    const distinct = errors.filter(
      (e) => !seen.has(`${e.field}\n${e.message}`) && seen.add(`${e.field}\n${e.message}`),
    );
    super({ message: 'The request has invalid fields', errors: distinct });
  }
}

/** A write carried a `version` the record no longer has. */
export class StaleVersionProblem extends ConflictException {
  constructor(what: string) {
    super(`The ${what} was changed by someone else; reload it and try again`);
  }
}

/** Flattens class-validator's tree into `a.b[0].c` paths. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const field = parent ? (key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`) : key;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}
