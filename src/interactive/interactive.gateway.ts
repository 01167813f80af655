import type { IncomingMessage } from 'node:http';
import { Injectable, Logger, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { replayAfter } from '../ws/replay-query';
import { connectionOf } from '../ws/ws-connection';
import { WsErrorFilter } from '../ws/ws-error.filter';
import type { QuotaErrorCode } from '../quota/quota.error';
import { WS_INVALID_FRAME, WS_REFUSED_FRAME, WS_UNTYPED_FRAME, type InvalidFrame, type RefusedFrame } from '../ws/ws-message';
import { InteractiveSessions, type SessionAttachment, type SessionSocket } from './interactive-sessions';
import {
  CLOSE_FAILED,
  CLOSE_TAKEN_OVER,
  errorFrame,
  framesFor,
  InteractiveErrorCode,
  type InteractiveClose,
  type InteractiveFrame,
} from './interactive.protocol';

interface SessionConnection {
  sessionId: string;
  /** The seq of the last logged event sent. */
  position: number;
  attachment: Promise<SessionAttachment | null>;
  send(frame: InteractiveFrame): void;
}

/**
 * WS {base}/{router}/{agent}?message=…&session_id=…[&after=…]: the socket side of an interactive session.
 * Mounted on the configured base path by InteractiveModule; upgrades are checked by InteractiveUpgradeCheck.
 */
@Injectable()
@UseFilters(WsErrorFilter)
export class InteractiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('InteractiveGateway');
  private readonly connections = new WeakMap<WebSocket, SessionConnection>();

  constructor(private readonly sessions: InteractiveSessions) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query, user } = connectionOf(request);
    // The upgrade check has validated both and filled in a generated session_id.
    const sessionId = query.get('session_id')!;
    const connection: SessionConnection = {
      sessionId,
      position: 0,
      attachment: Promise.resolve(null),
      send: (frame) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
      },
    };
    this.connections.set(client, connection);
    const close = ({ code, reason }: InteractiveClose) => client.close(code, reason);
    const socket: SessionSocket = {
      listenerFor: (executionId) => ({
        event: (event) => {
          connection.position = Math.max(connection.position, event.seq);
          const output = framesFor(event, executionId);
          output.frames.forEach(connection.send);
          if (output.close) close(output.close);
        },
      }),
      displaced: () => close(CLOSE_TAKEN_OVER),
    };
    const opening = { sessionId, route: params.route ?? '', message: query.get('message')!, user, after: replayAfter(query) };
    connection.attachment = this.sessions.open(opening, socket).catch((error: unknown) => {
      this.logger.error(`session ${sessionId} could not start`, error instanceof Error ? error.stack : String(error));
      connection.send(errorFrame(InteractiveErrorCode.ActionFailed, 'The session could not be started', connection.position));
      close(CLOSE_FAILED);
      return null;
    });
  }

  async handleDisconnect(client: WebSocket): Promise<void> {
    (await this.connections.get(client)?.attachment)?.stop();
  }

  @SubscribeMessage('chat')
  async onChat(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): Promise<void> {
    const connection = this.connections.get(client);
    if (!connection) return;
    if (typeof body.message !== 'string') {
      connection.send(errorFrame(InteractiveErrorCode.InvalidFrame, 'message must be a string', connection.position));
      return;
    }
    // The execution may still be starting (or resuming) for this socket: answer it once it is.
    await connection.attachment;
    const outcome = await this.sessions.input(connection.sessionId, { type: 'chat', message: body.message, metadata: body.metadata ?? null });
    // `question_changed`: the woken session asks its new question next, which is this socket's answer to give.
    if (outcome === 'not_waiting') connection.send(errorFrame(InteractiveErrorCode.NotWaiting, 'Nothing is waiting for input in this session', connection.position));
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onUntyped(@ConnectedSocket() client: WebSocket): void {
    const connection = this.connections.get(client);
    connection?.send(errorFrame(InteractiveErrorCode.InvalidFrame, 'The frame needs "type": "chat"', connection.position));
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    const connection = this.connections.get(client);
    connection?.send(errorFrame(InteractiveErrorCode.InvalidFrame, body.error, connection.position));
  }

  @SubscribeMessage(WS_REFUSED_FRAME)
  onRefused(@ConnectedSocket() client: WebSocket, @MessageBody() refused: RefusedFrame): void {
    const connection = this.connections.get(client);
    connection?.send(errorFrame(refused.code as QuotaErrorCode, refused.message, connection.position));
    if (refused.close) client.close(refused.close.code, refused.close.reason);
  }
}
