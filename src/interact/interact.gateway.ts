import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { AuthUser } from '../auth/auth-user';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConversationService } from '../conversation/conversation.service';
import type { TurnSink } from '../conversation/turn-sink';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import { InteractErrorCode } from './interact.error';
import { errorEvent, parseInteractObject, TurnTranslation, type InteractEvent, type InteractObject } from './interact.protocol';
import { InteractService } from './interact.service';

interface InteractConnection {
  user: AuthUser;
  debug: boolean;
  send(event: InteractEvent): void;
  /** The conversations this connection joined, with the sink that translates for it. */
  convos: Map<string, TurnSink>;
  /** Prompts are handled one after another, so a connection's turns start in the order it sent them. */
  pending: Promise<void>;
}

/** WS /interact: interactObjects in, run events out as interact events (chunks, metadata, actions, turn ends). */
@WebSocketGateway({ path: '/interact' })
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
    this.connections.set(client, { user, debug, send, convos: new Map(), pending: Promise.resolve() });
  }

  handleDisconnect(client: WebSocket): void {
    const connection = this.connections.get(client);
    for (const [convoId, sink] of connection?.convos ?? []) this.conversations.leave(convoId, sink);
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onInteract(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): void {
    const connection = this.connections.get(client);
    if (!connection) return;
    const object = parseInteractObject(body);
    if (typeof object === 'string') {
      connection.send(errorEvent(InteractErrorCode.InvalidObject, object));
      return;
    }
    connection.pending = connection.pending.then(() => this.prompt(connection, object));
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    this.connections.get(client)?.send(errorEvent(InteractErrorCode.InvalidObject, body.error));
  }

  private async prompt(connection: InteractConnection, object: InteractObject): Promise<void> {
    try {
      await this.interact.admit(connection.user, object);
      if (!connection.convos.has(object.convoId)) await this.join(connection, object.convoId);
      this.conversations.submit(object.convoId, { messageId: randomUUID(), content: object.prompt, agentId: object.agentId });
    } catch (error) {
      if (!(error instanceof CodedError)) {
        this.logger.error(`interact prompt failed`, error instanceof Error ? error.stack : String(error));
        connection.send(errorEvent('internal', 'The prompt could not be handled', object.convoId));
        return;
      }
      connection.send(errorEvent(String(error.code), error.message, object.convoId));
    }
  }

  /** The first prompt for a conversation on this connection: send what came before, then follow it. */
  private async join(connection: InteractConnection, convoId: string): Promise<void> {
    const turns = await this.interact.turns(convoId);
    connection.send({ type: 'sync_chat_history', turns, convoId });
    const translations = new Map<string, TurnTranslation>();
    const translation = (runId: string) => {
      let existing = translations.get(runId);
      if (!existing) {
        existing = new TurnTranslation(convoId, connection.debug);
        translations.set(runId, existing);
      }
      return existing;
    };
    const sink: TurnSink = {
      event: (event) => {
        translation(event.runId).eventsFor(event).forEach(connection.send);
        if (event.type === 'run.finished' || event.type === 'run.failed' || event.type === 'run.cancelled') translations.delete(event.runId);
      },
      held: () => new TurnTranslation(convoId, false).held().forEach(connection.send),
      operatorMessage: (message) => new TurnTranslation(convoId, false).operatorTurn(message.content).forEach(connection.send),
    };
    connection.convos.set(convoId, sink);
    this.conversations.join(convoId, sink);
  }
}
