import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { CodedError } from '../common/coded-error';
import { ConversationService } from '../conversation/conversation.service';
import type { LogFollower } from '../event-log/log-follower';
import { replayAfter } from '../ws/replay-query';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { errorFrame, framesFor, parseClientFrame, type ChatServerFrame } from './chat.protocol';

interface ChatSocket {
  chatId: string;
  /** The seq of the last logged event this socket was sent. */
  position: number;
  follower: Promise<LogFollower | null>;
  send(frame: ChatServerFrame): void;
}

/** WS /chat/{chat_id}: frames in, the chat's logged events out as frames; ownership was settled during the upgrade. */
@WebSocketGateway({ path: '/chat/:chatId', upgradeCheck: ChatUpgradeCheck })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('ChatGateway');
  private readonly sockets = new WeakMap<WebSocket, ChatSocket>();

  constructor(private readonly conversations: ConversationService) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query } = connectionOf(request);
    const chatId = params.chatId!;
    const streaming = query.get('stream') === '1';
    const socket: ChatSocket = {
      chatId,
      position: 0,
      follower: Promise.resolve(null),
      send: (frame) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
      },
    };
    const listener = {
      event: (event: Parameters<typeof framesFor>[0]) => {
        socket.position = event.seq;
        for (const frame of framesFor(event, streaming)) socket.send(frame);
      },
    };
    socket.follower = this.conversations.follow(chatId, replayAfter(query), listener).catch((error: unknown) => {
      this.logger.error(`chat ${chatId}: following the log failed`, error instanceof Error ? error.stack : String(error));
      client.close(1011, 'the chat could not be followed');
      return null;
    });
    this.sockets.set(client, socket);
  }

  async handleDisconnect(client: WebSocket): Promise<void> {
    const follower = await this.sockets.get(client)?.follower;
    if (follower) await this.conversations.unfollow(follower);
  }

  @SubscribeMessage('client')
  onClient(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): Promise<void> {
    return this.handle(client, body);
  }

  @SubscribeMessage('cancel')
  onCancel(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): Promise<void> {
    return this.handle(client, body);
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onUntyped(@ConnectedSocket() client: WebSocket): void {
    this.refuse(client, 'The frame needs a "type": "client" or "cancel"');
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    this.refuse(client, body.error);
  }

  private async handle(client: WebSocket, body: Record<string, unknown>): Promise<void> {
    const socket = this.sockets.get(client);
    if (!socket) return;
    const frame = parseClientFrame(body);
    if (typeof frame === 'string') {
      const messageId = typeof body.message_id === 'string' && body.message_id !== '' ? body.message_id : undefined;
      socket.send(errorFrame(socket.chatId, frame, socket.position, messageId));
      return;
    }
    try {
      if (frame.type === 'cancel') await this.conversations.cancel(socket.chatId, frame.message_id);
      else await this.conversations.submit(socket.chatId, { messageId: frame.message_id, content: frame.message });
    } catch (error) {
      if (!(error instanceof CodedError)) this.logger.error(`chat ${socket.chatId}: ${frame.type} failed`, error instanceof Error ? error.stack : String(error));
      const message = error instanceof CodedError ? error.message : 'The message could not be handled; please try again';
      socket.send(errorFrame(socket.chatId, message, socket.position, frame.message_id));
    }
  }

  private refuse(client: WebSocket, problem: string): void {
    const socket = this.sockets.get(client);
    if (socket) socket.send(errorFrame(socket.chatId, problem, socket.position));
  }
}
