import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationService } from '../conversation/conversation.service';
import type { LogFollower, LogListener } from '../event-log/log-follower';
import type { LogEvent } from '../history/chat-log';
import { replayAfter } from '../ws/replay-query';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import { InteractUpgradeCheck } from './interact-upgrade.check';
import { InteractErrorCode } from './interact.error';
import { errorEvent, parseInteractObject, TurnTranslation, type InteractEvent, type InteractObject } from './interact.protocol';
import { InteractService } from './interact.service';

interface InteractConnection {
  user: AuthUser;
  debug: boolean;
  /** The seq of the last logged event sent, per conversation followed. */
  position: number;
  send(event: InteractEvent): void;
  /** The conversations this connection follows. */
  convos: Map<string, Promise<LogFollower | null>>;
  /** Prompts are handled one after another, so a connection's turns start in the order it sent them. */
  pending: Promise<void>;
}

/** WS /interact: interactObjects in, the conversations' logged events out as interact events. */
@WebSocketGateway({ path: '/interact', upgradeCheck: InteractUpgradeCheck })
export class InteractGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('InteractGateway');
  private readonly connections = new WeakMap<WebSocket, InteractConnection>();

  constructor(
    private readonly interact: InteractService,
    private readonly conversations: ConversationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { user, query } = connectionOf(request);
    const send = (event: InteractEvent) => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(event));
    };
    // Debug events expose tool calls and outputs: they need both the role and the client's request.
    const debug = query.get('debug') === '1' && user.roles.includes(this.config.interact.debugRole);
    const connection: InteractConnection = { user, debug, send, position: 0, convos: new Map(), pending: Promise.resolve() };
    this.connections.set(client, connection);
    // A reconnect names the conversation and the last seq it saw (checked at the upgrade): the rest follows.
    const convoId = query.get('convoId');
    if (convoId !== null) connection.convos.set(convoId, this.follow(client, connection, convoId, replayAfter(query) ?? 0));
  }

  async handleDisconnect(client: WebSocket): Promise<void> {
    const connection = this.connections.get(client);
    for (const follower of connection?.convos.values() ?? []) {
      const following = await follower;
      if (following) await this.conversations.unfollow(following);
    }
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onInteract(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): void {
    const connection = this.connections.get(client);
    if (!connection) return;
    const object = parseInteractObject(body);
    if (typeof object === 'string') {
      connection.send(errorEvent(InteractErrorCode.InvalidObject, object, connection.position));
      return;
    }
    connection.pending = connection.pending.then(() => this.prompt(client, connection, object));
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    const connection = this.connections.get(client);
    connection?.send(errorEvent(InteractErrorCode.InvalidObject, body.error, connection.position));
  }

  private async prompt(client: WebSocket, connection: InteractConnection, object: InteractObject): Promise<void> {
    try {
      await this.interact.admit(connection.user, object);
      if (!connection.convos.has(object.convoId)) {
        const following = this.join(client, connection, object.convoId);
        connection.convos.set(object.convoId, following);
        await following;
      }
      await this.conversations.submit(object.convoId, { messageId: randomUUID(), content: object.prompt, agentId: object.agentId });
    } catch (error) {
      if (!(error instanceof CodedError)) {
        this.logger.error(`interact prompt failed`, error instanceof Error ? error.stack : String(error));
        connection.send(errorEvent('internal', 'The prompt could not be handled', connection.position, object.convoId));
        return;
      }
      connection.send(errorEvent(String(error.code), error.message, connection.position, object.convoId));
    }
  }

  /** The first prompt for a conversation on this connection: what came before, then everything after it. */
  private async join(client: WebSocket, connection: InteractConnection, convoId: string): Promise<LogFollower | null> {
    const top = await this.conversations.top(convoId);
    const turns = await this.interact.turns(convoId, top);
    connection.position = Math.max(connection.position, top);
    connection.send({ type: 'sync_chat_history', turns, convoId, seq: top });
    return this.follow(client, connection, convoId, top);
  }

  private follow(client: WebSocket, connection: InteractConnection, convoId: string, after: number): Promise<LogFollower | null> {
    const translations = new Map<string, TurnTranslation>();
    // Operator messages and status changes belong to no run: each is translated on its own.
    const translation = (event: LogEvent) => {
      if (event.runId === null) return new TurnTranslation(convoId, false);
      let existing = translations.get(event.runId);
      if (!existing) translations.set(event.runId, (existing = new TurnTranslation(convoId, connection.debug)));
      return existing;
    };
    const listener: LogListener = {
      event: (event) => {
        connection.position = Math.max(connection.position, event.seq);
        translation(event).eventsFor(event).forEach(connection.send);
        if (event.type === 'run.finished' || event.type === 'run.failed' || event.type === 'run.cancelled') translations.delete(event.runId!);
      },
      context: (event) => void translation(event).eventsFor(event),
    };
    return this.conversations.follow(convoId, after, listener).catch((error: unknown) => {
      this.logger.error(`convo ${convoId}: following the log failed`, error instanceof Error ? error.stack : String(error));
      client.close(1011, 'the conversation could not be followed');
      return null;
    });
  }
}
