import type { IncomingMessage } from 'node:http';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { connectionOf } from '../ws/ws-connection';
import { WS_INVALID_FRAME, WS_UNTYPED_FRAME, type InvalidFrame } from '../ws/ws-message';
import type { ChatSink } from './chat-lane';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { errorFrame, parseClientFrame, type ChatServerFrame } from './chat.protocol';
import { ChatService } from './chat.service';

interface ChatSocket {
  chatId: string;
  sink: ChatSink;
}

/** WS /chat/{chat_id}: translates frames to ChatService calls; ownership was settled during the upgrade. */
@WebSocketGateway({ path: '/chat/:chatId', upgradeCheck: ChatUpgradeCheck })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly sockets = new WeakMap<WebSocket, ChatSocket>();

  constructor(private readonly chats: ChatService) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query } = connectionOf(request);
    const sink: ChatSink = {
      streaming: query.get('stream') === '1',
      send: (frame: ChatServerFrame) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
      },
    };
    const chatId = params.chatId!;
    this.sockets.set(client, { chatId, sink });
    this.chats.join(chatId, sink);
  }

  handleDisconnect(client: WebSocket): void {
    const socket = this.sockets.get(client);
    if (socket) this.chats.leave(socket.chatId, socket.sink);
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
      socket.sink.send(errorFrame(socket.chatId, frame, messageId));
    } else if (frame.type === 'cancel') {
      this.chats.cancel(socket.chatId, socket.sink, frame.message_id);
    } else {
      this.chats.submit(socket.chatId, socket.sink, frame.message_id, frame.message);
    }
  }

  private refuse(client: WebSocket, problem: string): void {
    const socket = this.sockets.get(client);
    if (socket) socket.sink.send(errorFrame(socket.chatId, problem));
  }
}
