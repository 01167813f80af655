import { AgentError, AgentErrorCode } from '../agent/agent.error';
import { AuthError, AuthErrorCode } from '../auth/auth.error';
import { ChatErrorCode } from '../chat/chat.error';
import { toHttpError } from '../common/http-error';
import { MAX_JSON_DEPTH } from '../common/json-depth';
import { RequestError, RequestErrorCode } from '../common/request.error';
import { DATABASE_UNAVAILABLE } from '../database/database-unavailable';
import { EventLogError, EventLogErrorCode } from '../event-log/event-log.error';
import { QuotaErrorCode } from '../quota/quota.error';

/** One reason a route fails: its status, what it means, and the ErrorResponse codes it comes with. */
export interface ApiErrorGroup {
  status: number;
  description: string;
  codes: readonly string[];
}

/** The codes of a domain that http-error.ts answers with `status`, so the document cannot drift from the mapping. */
function codesAnswered<Code extends string>(status: number, codes: Record<string, Code>, toError: (code: Code) => unknown): Code[] {
  return Object.values(codes).filter((code) => toHttpError(toError(code)).status === status);
}

const auth = (status: number) => codesAnswered(status, AuthErrorCode, (code) => new AuthError(code, ''));
const agent = (status: number) => codesAnswered(status, AgentErrorCode, (code) => new AgentError(code, ''));

/** Every route but the probes is under REST_RATE_LIMIT. */
export const RATE_LIMITED: ApiErrorGroup = { status: 429, description: 'Over REST_RATE_LIMIT requests per REST_RATE_WINDOW_MS; Retry-After says when to try again', codes: [QuotaErrorCode.RateLimited] };

/** A route that starts a run: RUNS_IN_FLIGHT_PER_USER. */
export const RUN_QUOTA: ApiErrorGroup = { status: 429, description: 'The user already has RUNS_IN_FLIGHT_PER_USER runs waiting or running', codes: [QuotaErrorCode.TooManyRuns] };

export const INTERNAL_ERROR: ApiErrorGroup = { status: 500, description: 'An unexpected failure, logged with its request id', codes: ['internal'] };

/** Every route behind JwtAuthGuard. */
export const AUTHENTICATED: readonly ApiErrorGroup[] = [
  { status: 401, description: 'No token, or one that is malformed, expired or not trusted', codes: auth(401) },
  { status: 503, description: "With JWKS_URI: the identity provider's signing keys could not be fetched", codes: auth(503) },
];

export const OPERATOR_ONLY: ApiErrorGroup = { status: 403, description: 'The token lacks the operator role (OPERATOR_ROLE)', codes: [AuthErrorCode.MissingRole] };

/** What Express's body parsers (100 kB is their default limit) and RequestLimitsModule refuse before any route code runs. */
export const UNPARSABLE_BODY: readonly ApiErrorGroup[] = [
  {
    status: 400,
    description: `The JSON body does not parse, or nests deeper than ${MAX_JSON_DEPTH} levels`,
    codes: ['invalid_json', ...codesAnswered(400, RequestErrorCode, (code) => new RequestError(code, ''))],
  },
  { status: 413, description: 'The body is larger than 100 kB', codes: ['payload_too_large'] },
  { status: 415, description: 'The body has a charset or Content-Encoding the server cannot decode', codes: ['unsupported_media_type'] },
];

export const INVALID_FIELDS: ApiErrorGroup = { status: 400, description: 'A field breaks its schema; `details` has one line per problem', codes: ['validation_failed'] };

export const JSON_BODY: readonly ApiErrorGroup[] = [...UNPARSABLE_BODY, INVALID_FIELDS];

/** Express refuses a path parameter with a malformed percent-escape, e.g. `%FF`. */
export const BAD_PATH_ESCAPE: ApiErrorGroup = { status: 400, description: 'A path parameter has a malformed percent-escape', codes: ['bad_request'] };

export const INVALID_CHAT_ID: ApiErrorGroup = { status: 400, description: 'The id breaks its pattern', codes: [ChatErrorCode.InvalidChatId] };

export const UNKNOWN_AGENT: ApiErrorGroup = { status: 400, description: '`agent` is not a registered agent; `details` names the registered ones', codes: agent(400) };

export const RUN_FAILED: readonly ApiErrorGroup[] = [
  { status: 500, description: 'The run failed inside the server', codes: agent(500) },
  { status: 502, description: 'The model provider refused or failed the request', codes: agent(502) },
  { status: 504, description: 'The model provider, or the whole run (RUN_TIMEOUT_MS), took too long', codes: agent(504) },
];

export const CONVERSATION_NOT_FOUND: ApiErrorGroup = { status: 404, description: 'No conversation has this id', codes: [ChatErrorCode.NotFound] };

export const NOT_HANDED_OFF: ApiErrorGroup = { status: 409, description: 'The conversation is not handed off to an operator', codes: [ChatErrorCode.NotHandedOff] };

export const DATABASE_DOWN: ApiErrorGroup = { status: 503, description: 'The database could not be reached; try again shortly', codes: [DATABASE_UNAVAILABLE] };

export const LOG_UNAVAILABLE: ApiErrorGroup = {
  status: 503,
  description: "The conversation's log could not be written now; try again",
  codes: codesAnswered(503, EventLogErrorCode, (code) => new EventLogError(code, '')),
};
