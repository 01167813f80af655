import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type HeadersObject, type SchemaObject } from '@nestjs/swagger';
import { ErrorResponse } from '../common/error-response.dto';
import { INTERNAL_ERROR, RATE_LIMITED, type ApiErrorGroup } from './api-errors';

/** Every 401 carries the challenge (http-error.ts sets it with the status). */
const CHALLENGE: HeadersObject = {
  'WWW-Authenticate': {
    description: 'The Bearer challenge, naming the problem: `Bearer error="invalid_token"`',
    required: true,
    schema: { type: 'string', example: 'Bearer error="invalid_token"' },
  },
};

/** Every 429 says when to try again. */
const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 1 } },
};

/**
 * Declares the error statuses a route can answer, each an ErrorResponse whose `code` is one of the listed ones.
 * Groups of one status are merged into one response; the catch-all 500 `internal` and the rate limit's 429 are
 * always added.
 */
export function ApiErrorResponses(...groups: Array<ApiErrorGroup | readonly ApiErrorGroup[]>): MethodDecorator & ClassDecorator {
  return errorResponses([...groups.flat(), RATE_LIMITED, INTERNAL_ERROR]);
}

/** A probe's: never rate limited (@SkipThrottle), so only the catch-all 500. */
export function ApiProbeErrorResponses(): MethodDecorator & ClassDecorator {
  return errorResponses([INTERNAL_ERROR]);
}

function errorResponses(groups: ApiErrorGroup[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ApiErrorGroup[]>();
  for (const group of groups) byStatus.set(group.status, [...(byStatus.get(group.status) ?? []), group]);
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, same]) =>
      ApiResponse({
        status,
        description: same.map((group) => group.description).join('. '),
        schema: errorSchema(status, [...new Set(same.flatMap((group) => group.codes))]),
        ...(status === 401 ? { headers: CHALLENGE } : status === 429 ? { headers: RETRY_AFTER } : {}),
      }),
    );
  return applyDecorators(ApiExtraModels(ErrorResponse), ...responses);
}

function errorSchema(status: number, codes: string[]): SchemaObject {
  return {
    allOf: [
      { $ref: getSchemaPath(ErrorResponse) },
      {
        type: 'object',
        properties: {
          statusCode: { type: 'integer', enum: [status] },
          code: { type: 'string', enum: codes },
        },
      },
    ],
  };
}
