/**
 * Quotas out of the way, for specs whose subject is a flood of frames or prompts from one user, and for the
 * benchmark's load generator (one user at rates no person reaches). The quotas still run: their cost stays measured.
 */
export const UNLIMITED: Record<string, string> = {
  WS_SOCKET_MESSAGES_PER_SECOND: '100000',
  WS_SOCKET_MESSAGE_BURST: '100000',
  WS_USER_MESSAGES_PER_SECOND: '1000000',
  WS_USER_MESSAGE_BURST: '1000000',
  CHAT_MAX_QUEUED_TURNS: '10000',
  RUNS_IN_FLIGHT_PER_USER: '100000',
  REST_RATE_LIMIT: '10000000',
};
