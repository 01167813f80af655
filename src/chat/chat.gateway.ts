import type { IncomingMessage } from 'node:http';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import { ConversationService } from '../conversation/conversation.service';
import type { TurnSink } from '../conversation/turn-sink';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { ChatError } from './chat.error';
import { errorFrame, framesFor, heldFrames, parseClientFrame, type ChatServerFrame } from './chat.protocol';

interface ChatSocket {
  chatId: string;
  sink: TurnSink;
  send(frame: ChatServerFrame): void;
}

/** WS /chat/{chat_id}: frames in, run events out as frames; ownership was settled during the upgrade. */
@WebSocketGateway({ path: '/chat/:chatId', upgradeCheck: ChatUpgradeCheck })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly sockets = new WeakMap<WebSocket, ChatSocket>();

  constructor(private readonly conversations: ConversationService) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query } = connectionOf(request);
    const chatId = params.chatId!;
    const streaming = query.get('stream') === '1';
    const send = (frame: ChatServerFrame) => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
    };
    const sink: TurnSink = {
      event: (event, turn) => framesFor(event, turn.messageId, streaming).forEach(send),
      held: (turn) => heldFrames(chatId, turn.messageId).forEach(send),
      // The seed protocol has no operator messages; they reach this chat's /interact connections only.
      operatorMessage: () => undefined,
    };
    this.sockets.set(client, { chatId, sink, send });
    this.conversations.join(chatId, sink);
  }

  handleDisconnect(client: WebSocket): void {
    const socket = this.sockets.get(client);
    if (socket) this.conversations.leave(socket.chatId, socket.sink);
  }

  @SubscribeMessage('client')
  onClient(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): void {
    this.handle(client, body);
  }

  @SubscribeMessage('cancel')
  onCancel(@ConnectedSocket() client: WebSocket, @MessageBody() body: Record<string, unknown>): void {
    this.handle(client, body);
  }

  @SubscribeMessage(WS_UNTYPED_FRAME)
  onUntyped(@ConnectedSocket() client: WebSocket): void {
    this.refuse(client, 'The frame needs a "type": "client" or "cancel"');
  }

  @SubscribeMessage(WS_INVALID_FRAME)
  onInvalid(@ConnectedSocket() client: WebSocket, @MessageBody() body: InvalidFrame): void {
    this.refuse(client, body.error);
  }

  private handle(client: WebSocket, body: Record<string, unknown>): void {
    const socket = this.sockets.get(client);
    if (!socket) return;
    const frame = parseClientFrame(body);
    if (typeof frame === 'string') {
      const messageId = typeof body.message_id === 'string' && body.message_id !== '' ? body.message_id : undefined;
      socket.send(errorFrame(socket.chatId, frame, messageId));
      return;
    }
    try {
      if (frame.type === 'cancel') this.conversations.cancel(socket.chatId, frame.message_id);
      else this.conversations.submit(socket.chatId, { messageId: frame.message_id, content: frame.message });
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      socket.send(errorFrame(socket.chatId, error.message, frame.message_id));
    }
  }

  private refuse(client: WebSocket, problem: string): void {
    const socket = this.sockets.get(client);
    if (socket) socket.send(errorFrame(socket.chatId, problem));
  }
}
