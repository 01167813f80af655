import type { IncomingMessage } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import { InteractiveSessions } from './interactive-sessions';
import type { SessionSocket } from './session-channel';

interface SessionConnection {
  sessionId: string;
  socket: SessionSocket;
}

const errorFrame = (code: string, message: string) => ({ event: 'error', data: { code, message } });

/**
 * WS {base}/{router}/{agent}?message=…&session_id=…: the socket side of an interactive session. Mounted
 * on the configured base path by InteractiveModule; upgrades are checked by InteractiveUpgradeCheck.
 */
@Injectable()
export class InteractiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('InteractiveGateway');
  private readonly connections = new WeakMap<WebSocket, SessionConnection>();

  constructor(private readonly sessions: InteractiveSessions) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query, user } = connectionOf(request);
    const socket: SessionSocket = {
      send: (payload) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(payload));
      },
      end: () => client.close(1000, 'done'),
    };
    // The upgrade check has validated both and filled in a generated session_id.
    const sessionId = query.get('session_id')!;
    this.connections.set(client, { sessionId, socket });
    const opening = { sessionId, route: params.route ?? '', message: query.get('message')!, user };
    this.sessions.open(opening, socket).catch((error: unknown) => {
      this.logger.error(`session ${sessionId} could not start`, error instanceof Error ? error.stack : String(error));
      socket.send(errorFrame('action.failed', 'The session could not be started'));
      socket.end();
    });
  }

  handleDisconnect(client: WebSocket): void {
    const connection = this.connections.get(client);
    if (connection) this.sessions.leave(connection.sessionId, connection.socket);
  }

  @SubscribeMessage('chat')
  onChat(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): void {
    const connection = this.connections.get(client);
    if (!connection) return;
    if (typeof body.message !== 'string') {
      connection.socket.send(errorFrame('interactive.invalid_frame', 'message must be a string'));
      return;
    }
    const delivered = this.sessions.input(connection.sessionId, { type: 'chat', message: body.message, metadata: body.metadata ?? null });
    if (!delivered) connection.socket.send(errorFrame('interactive.not_waiting', 'Nothing is waiting for input in this session'));
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onUntyped(@ConnectedSocket() client: WebSocket): void {
    this.connections.get(client)?.socket.send(errorFrame('interactive.invalid_frame', 'The frame needs "type": "chat"'));
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    this.connections.get(client)?.socket.send(errorFrame('interactive.invalid_frame', body.error));
  }
}
