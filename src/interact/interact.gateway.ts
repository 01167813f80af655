import type { IncomingMessage } from 'node:http';
import { Inject, Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationService } from '../conversation/conversation.service';
import { SlowClientGuard } from '../conversation/slow-client-guard';
import { StreamPressure } from '../conversation/stream-pressure';
import { RunReplay } from '../conversation/run-replay';
import { replayAfter } from '../ws/replay-query';
import { connectionOf } from '../ws/ws-connection';
import type { FrameReceiver } from '../ws/frame-receiver';
import { unroutable, WS_INVALID_FRAME, WS_REFUSED_FRAME, WS_UNTYPED_FRAME, type InvalidFrame, type RefusedFrame } from '../ws/ws-message';
import { InteractConnection } from './interact-connection';
import { parseInteractApproval } from './interact-approval';
import { parseInteractObject } from './interact-object';
import { InteractUpgradeCheck } from './interact-upgrade.check';
import { InteractErrorCode } from './interact.error';
import type { InteractEvent } from './interact.protocol';
import { InteractService } from './interact.service';

const TRUE = new Set(['1', 'true', 'yes']);

/** WS /interact: interactObjects in, the conversations' logged events out as interact events. */
// Referring to the class in its own decorator is fine: the decorator runs once the class exists.
@WebSocketGateway({ path: '/interact', upgradeCheck: InteractUpgradeCheck, frames: InteractGateway })
export class InteractGateway implements OnGatewayConnection, OnGatewayDisconnect, FrameReceiver {
  private readonly logger = new Logger('InteractGateway');
  private readonly connections = new WeakMap<WebSocket, InteractConnection>();

  constructor(
    private readonly interact: InteractService,
    private readonly conversations: ConversationService,
    private readonly replay: RunReplay,
    private readonly pressure: StreamPressure,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { user, query } = connectionOf(request);
    const guard = new SlowClientGuard(client, this.pressure, this.config.backpressure);
    const peer = {
      send: (event: InteractEvent) => {
        if (client.readyState !== client.OPEN) return;
        const text = JSON.stringify(event);
        client.send(text);
        guard.sent(text.length);
      },
      close: (code: number, reason: string) => client.close(code, reason),
      guard,
    };
    const options = {
      debug: query.get('debug') === '1' && user.roles.includes(this.config.interact.debugRole),
      keepOpen: TRUE.has(query.get('keep_open') ?? ''),
    };
    const services = { interact: this.interact, conversations: this.conversations, replay: this.replay, logger: this.logger };
    const connection = new InteractConnection(services, user, options, peer);
    this.connections.set(client, connection);
    // A reconnect names the conversation and the last seq it saw (checked at the upgrade).
    const convoId = query.get('convoId');
    if (convoId !== null) connection.resume(convoId, replayAfter(query) ?? 0);
  }

  async handleDisconnect(client: WebSocket): Promise<void> {
    await this.connections.get(client)?.stop();
  }

  /** Every frame of the conversation sockets: interactObjects and approvals carry no `type`. */
  receiveFrame(client: WebSocket, event: string, data: unknown): void {
    const connection = this.connections.get(client);
    if (!connection) return;
    switch (event) {
      case WS_UNTYPED_FRAME:
        return this.receiveObject(connection, data as Record<string, unknown>);
      case WS_INVALID_FRAME:
        return connection.refuse(InteractErrorCode.InvalidObject, (data as InvalidFrame).error);
      case WS_REFUSED_FRAME: {
        const refused = data as RefusedFrame;
        const convoId = refused.frame?.convoId;
        return connection.refuse(refused.code, refused.message, typeof convoId === 'string' ? convoId : undefined, refused.close);
      }
      default:
        return connection.refuse(InteractErrorCode.InvalidObject, unroutable(event).data.error);
    }
  }

  private receiveObject(connection: InteractConnection, body: Record<string, unknown>): void {
    const approval = parseInteractApproval(body);
    if (typeof approval === 'string') return connection.refuse(InteractErrorCode.InvalidObject, approval);
    if (approval) return connection.decide(approval);
    const object = parseInteractObject(body);
    if (typeof object === 'string') connection.refuse(InteractErrorCode.InvalidObject, object);
    else connection.receive(object);
  }
}
