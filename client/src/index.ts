export { GatewayClient, type GatewayClientOptions } from './gateway-client';
export { ChatConnection, type ChatOptions, type ChatTurn } from './chat-connection';
export { InteractConnection, type InteractOptions } from './interact-connection';
export type { InteractTurn, TurnStatus } from './interact-turn';
export { InteractiveConnection, isErrorFrame, type InteractiveOptions } from './interactive-connection';
export { ClientErrorCode, GatewayError } from './gateway-error';
export type { CloseInfo, ConnectionEvents, ConnectionState, ReconnectOptions } from './resumable-socket';
export type { FetchLike, HistoryPage, RequestOptions } from './rest-client';
export type { TokenCarrier, WebSocketConstructor, WebSocketLike } from './transport';
export type {
  ChatClientFrame,
  ChatServerFrame,
  InteractClientFrame,
  InteractiveClientFrame,
  InteractiveServerFrame,
  InteractServerFrame,
} from './generated/frames';
export type { AgentStep, ErrorResponse, HistoryEntry, MeResponse, RunAgentRequest } from './generated/rest';
// Every other contract type (TurnProps, AgentStepFrame, ConversationSummary, …), by its contract name.
export type * as Frames from './generated/frames';
export type * as Rest from './generated/rest';
