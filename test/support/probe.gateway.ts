import type { IncomingMessage } from 'node:http';
import { setImmediate } from 'node:timers/promises';
import { UseFilters } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { connectionOf } from '../../src/ws/ws-connection';
import { WsErrorFilter } from '../../src/ws/ws-error.filter';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../../src/ws/ws-message';

/**
 * A gateway that only reports what the transport handed it, so the adapter's behaviour (path parameters,
 * query, identity, routing on `type`, invalid frames) is observable from a real client.
 */
@WebSocketGateway({ path: '/probe/:room' })
@UseFilters(WsErrorFilter)
export class ProbeGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { user, params, query, path } = connectionOf(request);
    client.send(JSON.stringify({ type: 'welcome', user, params, query: Object.fromEntries(query), path, protocol: client.protocol }));
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return { type: 'echoed', body };
  }

  /** A bug in a handler, after an await: its log line must still carry the socket's request id. */
  @SubscribeMessage('fail')
  async fail(): Promise<never> {
    await setImmediate();
    throw new Error('probe handler failure');
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  untyped(@MessageBody() body: unknown): unknown {
    return { type: 'untyped', body };
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  invalid(@MessageBody() body: InvalidFrame): unknown {
    return { type: 'invalid', error: body.error };
  }
}
