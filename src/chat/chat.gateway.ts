import type { IncomingMessage } from 'node:http';
import { Inject, Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { CodedError } from '../common/coded-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SlowClientGuard } from '../conversation/slow-client-guard';
import { StreamPressure } from '../conversation/stream-pressure';
import { ConversationService } from '../conversation/conversation.service';
import { HISTORY_DEFAULT_LIMIT } from '../history/history-query.dto';
import { EventLogError, EventLogErrorCode } from '../event-log/event-log.error';
import { HistoryService } from '../history/history.service';
import { replayAfter } from '../ws/replay-query';
import { connectionOf } from '../ws/ws-connection';
import type { FrameReceiver } from '../ws/frame-receiver';
import { QuotaError } from '../quota/quota.error';
import { unroutable, WS_INVALID_FRAME, WS_REFUSED_FRAME, WS_UNTYPED_FRAME, type InvalidFrame, type RefusedFrame } from '../ws/ws-message';
import { ChatSocket } from './chat-socket';
import { ChatUpgradeCheck } from './chat-upgrade.check';
import { errorFrame, parseClientFrame, type ChatServerFrame, type DecisionFrame } from './chat.protocol';

/** WS /chat/{chat_id}: frames in, the chat's logged events out as frames; ownership was settled during the upgrade. */
// Referring to the class in its own decorator is fine: the decorator runs once the class exists.
@WebSocketGateway({ path: '/chat/:chatId', upgradeCheck: ChatUpgradeCheck, frames: ChatGateway })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect, FrameReceiver {
  private readonly logger = new Logger('ChatGateway');
  private readonly sockets = new WeakMap<WebSocket, ChatSocket>();

  constructor(
    private readonly conversations: ConversationService,
    private readonly history: HistoryService,
    private readonly pressure: StreamPressure,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const { params, query, user } = connectionOf(request);
    const chatId = params.chatId!;
    const streaming = query.get('stream') === '1';
    const guard = new SlowClientGuard(client, this.pressure, this.config.backpressure);
    guard.follow(chatId);
    const socket = new ChatSocket(chatId, user.sub, client, guard, (error) => this.fail(chatId, 'sending', error), streaming);
    // Through a Redis outage the follower keeps trying: the socket stays open, and catches up once Redis is back.
    socket.follower = this.conversations.follow(chatId, replayAfter(query), socket, socket.gone!.signal).then(
      (follower) => {
        socket.started(follower);
        return follower;
      },
      (error: unknown) => {
        this.fail(chatId, 'following the log', error);
        client.close(1011, 'the chat could not be followed');
        return null;
      },
    );
    this.sockets.set(client, socket);
  }

  async handleDisconnect(client: WebSocket): Promise<void> {
    const socket = this.sockets.get(client);
    socket?.guard.dispose();
    // A reason of our own: the default DOMException's stack capture was a tenth of an open-and-close's CPU.
    socket?.gone?.abort('socket closed');
    const follower = await socket?.follower;
    if (follower) await this.conversations.unfollow(follower);
  }

  /** Every frame of the chat's sockets, one at a time per socket (see ChatSocket). */
  receiveFrame(client: WebSocket, event: string, data: unknown): Promise<void> {
    switch (event) {
      case 'client':
      case 'cancel':
      case 'approve':
      case 'reject':
        return this.inOrder(client, (socket) => this.handle(socket, data as Record<string, unknown>));
      case 'get_history':
        return this.inOrder(client, async (socket) => {
          // Once the follower has started, the reply is queued after the point where the socket joined the log.
          if (await socket.follower) socket.reply((seq) => this.chatHistory(socket, seq));
        });
      case WS_UNTYPED_FRAME:
        return this.refuse(client, 'The frame needs a "type": "client", "cancel", "approve", "reject" or "get_history"');
      case WS_INVALID_FRAME:
        return this.refuse(client, (data as InvalidFrame).error);
      case WS_REFUSED_FRAME:
        return this.refused(client, data as RefusedFrame);
      default:
        return this.refuse(client, unroutable(event).data.error);
    }
  }

  /** Over its rate: the message is not kept, so a `client` frame's message also ends here, as after any refusal. */
  private refused(client: WebSocket, refused: RefusedFrame): Promise<void> {
    const messageId = typeof refused.frame?.message_id === 'string' && refused.frame.message_id !== '' ? refused.frame.message_id : undefined;
    return this.inOrder(client, (socket) => {
      socket.reply((seq) => errorFrame(socket.chatId, refused.message, seq, messageId, refused.code));
      if (messageId && refused.frame?.type === 'client') socket.reply((seq) => ({ type: 'message_end', message_id: messageId, chat_id: socket.chatId, seq }));
      if (refused.close) socket.closeAfterQueued(refused.close.code, refused.close.reason);
    });
  }

  private inOrder(client: WebSocket, handle: (socket: ChatSocket) => void | Promise<void>): Promise<void> {
    const socket = this.sockets.get(client);
    return socket ? socket.inOrder(() => handle(socket)) : Promise.resolve();
  }

  private async handle(socket: ChatSocket, body: Record<string, unknown>): Promise<void> {
    const frame = parseClientFrame(body);
    if (typeof frame === 'string') {
      const messageId = typeof body.message_id === 'string' && body.message_id !== '' ? body.message_id : undefined;
      socket.reply((seq) => errorFrame(socket.chatId, frame, seq, messageId));
      return;
    }
    if (frame.type === 'approve' || frame.type === 'reject') return this.decide(socket, frame);
    try {
      if (frame.type === 'cancel') await this.conversations.cancel(socket.chatId, frame.message_id);
      else await this.conversations.submit(socket.chatId, { messageId: frame.message_id, content: frame.message, protocol: 'chat', userId: socket.userId });
    } catch (error) {
      if (!(error instanceof CodedError)) this.fail(socket.chatId, frame.type, error);
      const message = error instanceof CodedError ? error.message : 'The message could not be handled; please try again';
      const code = error instanceof CodedError ? String(error.code) : 'internal';
      socket.reply((seq) => errorFrame(socket.chatId, message, seq, frame.message_id, code));
      // Refused for an outage or a quota, the message was not kept: it is over, and a client that waits for its end may send it again.
      const unavailable = error instanceof EventLogError && error.code === EventLogErrorCode.Unavailable;
      if (frame.type === 'client' && (unavailable || error instanceof QuotaError)) {
        socket.reply((seq) => ({ type: 'message_end', message_id: frame.message_id, chat_id: socket.chatId, seq }));
      }
    }
  }

  /** The decision goes to the run wherever it runs; what it did comes back as `approval_result` through the log. */
  private async decide(socket: ChatSocket, frame: DecisionFrame): Promise<void> {
    const approved = frame.type === 'approve';
    const reason = frame.reason ?? (approved ? 'approved' : '');
    try {
      await this.conversations.decide(socket.chatId, frame.approval_id, { approved, reason, by: socket.userId });
    } catch (error) {
      if (!(error instanceof CodedError)) this.fail(socket.chatId, frame.type, error);
      const message = error instanceof CodedError ? error.message : 'The decision could not be handled; please try again';
      const code = error instanceof CodedError ? String(error.code) : 'internal';
      socket.reply((seq) => errorFrame(socket.chatId, message, seq, undefined, code));
    }
  }

  /** The rows up to `seq`, so they end where the frames after this one carry on. */
  private async chatHistory(socket: ChatSocket, seq: number): Promise<ChatServerFrame> {
    try {
      const page = await this.history.page(socket.userId, socket.chatId, { limit: HISTORY_DEFAULT_LIMIT, before: seq + 1 });
      return { type: 'chat_history', chat_id: socket.chatId, history: page.items, seq };
    } catch (error) {
      this.fail(socket.chatId, 'get_history', error);
      return errorFrame(socket.chatId, 'The history could not be read; please try again', seq);
    }
  }

  private refuse(client: WebSocket, problem: string): Promise<void> {
    return this.inOrder(client, (socket) => socket.reply((seq) => errorFrame(socket.chatId, problem, seq)));
  }

  private fail(chatId: string, what: string, error: unknown): void {
    this.logger.error(`chat ${chatId}: ${what} failed`, error instanceof Error ? error.stack : String(error));
  }
}
