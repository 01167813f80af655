import type { GatewayClient, Rest } from '../client/src/index';
import { byId, describeError, h, submitOnEnter } from './dom';
import { Transcript } from './transcript';

const POLL_MS = 2000;

/** OPERATOR_ROLE's view: the handoff queue, a conversation's messages, reply, hand back; polled while shown. */
export class OperatorView {
  private readonly status = byId<HTMLParagraphElement>('operator-status');
  private readonly queue = byId<HTMLUListElement>('queue');
  private readonly panel = byId<HTMLDivElement>('operator-conversation');
  private readonly transcript = new Transcript(byId('operator-transcript'));
  private selected: string | null = null;
  private shownCount = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly gateway: () => GatewayClient) {
    const reply = byId<HTMLTextAreaElement>('reply');
    submitOnEnter(reply);
    byId<HTMLFormElement>('reply-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const content = reply.value.trim();
      if (content === '' || !this.selected) return;
      void this.act(async (convoId) => {
        await this.gateway().operator.reply(convoId, content);
        reply.value = '';
      });
    });
    byId<HTMLButtonElement>('release').addEventListener('click', () => {
      void this.act(async (convoId) => {
        await this.gateway().operator.release(convoId);
        this.status.textContent = `${convoId} is back with the agent.`;
        this.select(null);
      });
    });
  }

  start(): void {
    this.stop();
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    try {
      const waiting = await this.gateway().operator.conversations('handoff');
      this.showQueue(waiting);
      if (this.selected) await this.showMessages(this.selected);
    } catch (error) {
      const code = (error as { code?: string }).code;
      this.status.textContent = code === 'auth.missing_role' ? 'This view needs a token with the operator role (OPERATOR_ROLE).' : describeError(error);
      this.queue.replaceChildren();
      this.select(null);
      return;
    }
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private showQueue(waiting: Rest.ConversationSummary[]): void {
    if (!waiting.some((convo) => convo.convoId === this.selected)) this.select(null);
    if (!this.status.textContent?.endsWith('back with the agent.') || waiting.length > 0) {
      this.status.textContent = waiting.length === 0 ? 'No conversation is waiting for an operator.' : `${waiting.length} waiting for an operator.`;
    }
    const items = waiting.map((convo) => {
      const name = (convo.lightConvoData as { userName?: unknown } | null)?.userName;
      const label = `${convo.convoId} · ${typeof name === 'string' ? name : convo.ownerId} · since ${new Date(convo.createdAt).toLocaleTimeString()}`;
      const button = h('button', { text: label, attrs: { type: 'button', 'aria-pressed': String(convo.convoId === this.selected) } });
      button.addEventListener('click', () => {
        this.select(convo.convoId);
        void this.showMessages(convo.convoId);
      });
      return h('li', {}, button);
    });
    this.queue.replaceChildren(...items);
  }

  private select(convoId: string | null): void {
    if (this.selected === convoId) return;
    this.selected = convoId;
    this.shownCount = -1;
    this.transcript.clear();
    this.panel.hidden = convoId === null;
    for (const button of this.queue.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.textContent?.startsWith(`${convoId} ·`)));
    if (convoId) byId('operator-title').textContent = `Conversation ${convoId}`;
  }

  private async showMessages(convoId: string): Promise<void> {
    const messages = await this.gateway().conversationMessages(convoId);
    if (this.selected !== convoId || messages.length === this.shownCount) return;
    this.shownCount = messages.length;
    this.transcript.clear();
    for (const message of messages) {
      if (message.role === 'user') this.transcript.user(message.content);
      else if (message.role === 'operator') this.transcript.answer(message.content, '🧑 Operator', 'operator');
      else this.transcript.answer(message.content, '🤖 Agent');
    }
  }

  private async act(action: (convoId: string) => Promise<void>): Promise<void> {
    const convoId = this.selected;
    if (!convoId) return;
    try {
      await action(convoId);
      this.start();
    } catch (error) {
      this.status.textContent = describeError(error);
    }
  }
}
