/**
 * Answers as the OpenAPI document shows them. Errors: each `application/problem+json` with the
 * one shape `ProblemDetailsFilter` sends (`ProblemDto`); a controller names the statuses its
 * routes can answer, and a description says when, where the default would not. Creations: 201
 * with the new record and its `Location`.
 */
import { Type, applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem';

export const PROBLEM_JSON = 'application/problem+json';

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

const WHEN: Record<ProblemStatus, string> = {
  400: 'Invalid input: a field or parameter (named in `errors`), or a malformed URL',
  401: 'No valid access token: sign in, or refresh the token',
  403: 'Your role or council may not do this',
  404: 'No such record, or not one your council may see',
  409: 'Stale version, or the record is not in a state that allows this',
  413: 'The body is too large',
  415: 'The body is not JSON',
  429: 'Too many attempts; try again after Retry-After seconds',
  503: 'The service is busy or its database does not answer',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } },
};

/**
 * One error answer; `description` says when it happens on this route. A 429 always sends
 * Retry-After; a 503 does when `retryAfter` says so.
 */
export function ApiProblem(
  status: ProblemStatus,
  description = WHEN[status],
  { retryAfter = status === 429 } = {},
) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiResponse({
      status,
      description,
      headers: retryAfter ? RETRY_AFTER : undefined,
      content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
    }),
  );
}

/** Several error answers with their usual descriptions. */
export function ApiProblems(...statuses: ProblemStatus[]) {
  return applyDecorators(...statuses.map((status) => ApiProblem(status)));
}

/** What any JSON body can answer: invalid fields, too large, not JSON. */
export const ApiBodyProblems = () => ApiProblems(400, 413, 415);

/** 201: the new record, and its address in `Location`. */
export function ApiCreatedAt(type: Type<unknown>, description?: string) {
  return ApiCreatedResponse({
    type,
    description,
    headers: {
      Location: {
        description: 'The new record',
        schema: { type: 'string', format: 'uri-reference' },
      },
    },
  });
}
