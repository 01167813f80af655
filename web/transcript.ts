import { describeError, h } from './dom';

/** What a Reject click sends when the reason field is left empty (the model reads it, so it must say something). */
export const DEFAULT_REJECT_REASON = 'rejected in the playground';

const STEP_LABELS: Record<string, string> = {
  PlanningStep: '💡 Plan',
  ActionStep: '⚙️ Action',
  FinalAnswerStep: '✅ Answer',
};

/**
 * A conversation as the seed's UI recommendations show it: plans folded away, action logs in a monospace
 * block, the final answer as the message; streamed text as it arrives, tool calls, sources, handoffs.
 */
export class Transcript {
  private readonly streams = new Map<string, HTMLElement>();
  private readonly approvals = new Map<string, HTMLElement>();
  private prompt: HTMLFormElement | null = null;

  constructor(private readonly root: HTMLElement) {}

  get isEmpty(): boolean {
    return this.root.childElementCount === 0;
  }

  clear(): void {
    this.root.replaceChildren();
    this.streams.clear();
    this.approvals.clear();
    this.prompt = null;
  }

  user(text: string): void {
    this.add(h('div', { class: 'msg user' }, h('div', { class: 'who', text: 'You' }), h('div', { class: 'text', text })));
  }

  /** An agent step by its `step_type`; unknown types show like actions. */
  step(stepType: string | null, text: string): void {
    if (stepType === 'PlanningStep') {
      this.add(h('details', { class: 'step plan' }, h('summary', { text: STEP_LABELS.PlanningStep }), h('div', { class: 'text', text })));
    } else if (stepType === 'FinalAnswerStep' || stepType === null) {
      this.answer(text);
    } else {
      this.add(h('div', { class: 'step action' }, h('div', { class: 'who', text: STEP_LABELS[stepType] ?? `⚙️ ${stepType}` }), h('pre', { text })));
    }
  }

  answer(text: string, who = STEP_LABELS.FinalAnswerStep!, kind = 'agent'): void {
    this.add(h('div', { class: `msg ${kind}` }, h('div', { class: 'who', text: who }), h('div', { class: 'text', text })));
  }

  /** Appends streamed text to the bubble of `key`, opening it on the first piece. */
  delta(key: string, text: string): void {
    let bubble = this.streams.get(key);
    if (!bubble) {
      bubble = h('div', { class: 'msg agent streaming', attrs: { 'aria-busy': 'true' } }, h('div', { class: 'who', text: '✍️ Writing…' }), h('div', { class: 'text' }));
      this.streams.set(key, bubble);
      this.add(bubble);
    }
    bubble.querySelector('.text')!.append(text);
    this.scroll();
  }

  /** Drops the streamed bubble of `key` (its step arrives whole). */
  dropStream(key: string): void {
    this.streams.get(key)?.remove();
    this.streams.delete(key);
  }

  /** Turns the streamed bubble of `key` into the final message; false when nothing was streamed. */
  finishStream(key: string, who: string, kind = 'agent'): boolean {
    const bubble = this.streams.get(key);
    if (!bubble) return false;
    this.streams.delete(key);
    bubble.className = `msg ${kind}`;
    bubble.removeAttribute('aria-busy');
    bubble.querySelector('.who')!.textContent = who;
    return true;
  }

  toolCall(name: string, input: unknown, output: unknown): void {
    const block = h(
      'details',
      { class: 'step tool' },
      h('summary', {}, '🔧 ', h('code', { text: name }), ' called'),
      h('pre', { text: `input:  ${JSON.stringify(input, null, 2)}\noutput: ${JSON.stringify(output, null, 2)}` }),
    );
    this.add(block);
  }

  sources(titles: string[]): void {
    if (titles.length === 0) return;
    const list = h('ul', { class: 'chips', attrs: { 'aria-label': 'Sources' } }, ...titles.map((title) => h('li', { class: 'chip', text: `📄 ${title}` })));
    this.add(h('div', { class: 'sources' }, h('span', { class: 'muted', text: 'Sources' }), list));
  }

  banner(text: string): void {
    this.add(h('div', { class: 'banner', attrs: { role: 'note' }, text }));
  }

  note(text: string): void {
    this.add(h('div', { class: 'note muted', text }));
  }

  error(text: string): void {
    this.add(h('div', { class: 'error', attrs: { role: 'alert' }, text: `⚠️ ${text}` }));
  }

  data(label: string, value: unknown): void {
    this.add(h('details', { class: 'step data' }, h('summary', { text: label }), h('pre', { text: JSON.stringify(value, null, 2) })));
  }

  /**
   * A tool call waiting for approval: the tool, its arguments, Approve, and Reject with an optional reason. A click
   * locks both buttons and calls `decide`; they stay locked until `approvalResult` (unless `decide` throws).
   */
  approval(id: string, tool: string, args: unknown, decide: (approved: boolean, reason: string) => void): void {
    const reasonId = `reason-${id}`;
    const reason = h('input', { attrs: { id: reasonId, name: 'reason', autocomplete: 'off', maxlength: '2000', placeholder: DEFAULT_REJECT_REASON } });
    const approve = h('button', { class: 'primary', text: 'Approve', attrs: { type: 'button' } });
    const reject = h('button', { text: 'Reject', attrs: { type: 'button' } });
    const controls = [approve, reject, reason];
    const card = h(
      'div',
      { class: 'step approval', attrs: { role: 'group', 'aria-label': `Approval for ${tool}`, 'data-approval-id': id } },
      h('div', { class: 'who' }, '⏸ ', h('code', { text: tool }), ' waits for approval'),
      h('pre', { text: JSON.stringify(args, null, 2) }),
      h('div', { class: 'approval-actions' }, approve, reject, h('label', { class: 'visually-hidden', text: 'Reason to reject', attrs: { for: reasonId } }), reason),
    );
    const click = (approved: boolean) => {
      for (const control of controls) control.disabled = true;
      try {
        decide(approved, reason.value.trim() || DEFAULT_REJECT_REASON);
      } catch (error) {
        for (const control of controls) control.disabled = false;
        this.error(describeError(error));
      }
    };
    approve.addEventListener('click', () => click(true));
    reject.addEventListener('click', () => click(false));
    this.approvals.set(id, card);
    this.add(card);
  }

  /** The decision on `approval(id, …)`, from this page or any other decider (REST, another socket): locks it, shows it. */
  approvalResult(id: string, approved: boolean, reason: string): void {
    const card = this.approvals.get(id);
    this.approvals.delete(id);
    card?.classList.add(approved ? 'approved' : 'rejected');
    for (const control of card?.querySelectorAll('button, input') ?? []) (control as HTMLButtonElement | HTMLInputElement).disabled = true;
    this.note(approved ? '▶ Approved.' : `⛔ Rejected: ${reason}`);
  }

  /** An inline answer field under the agent's last message, for a question it waits on; replaces any earlier one. */
  ask(onAnswer: (answer: string) => void): void {
    this.closePrompt();
    const id = `answer-${Date.now()}`;
    const input = h('input', { attrs: { id, name: 'answer', autocomplete: 'off', required: '' } });
    const form = h(
      'form',
      { class: 'inline-prompt' },
      h('label', { text: 'Your answer', attrs: { for: id } }),
      input,
      h('button', { text: 'Answer', attrs: { type: 'submit' } }),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const answer = input.value.trim();
      if (answer === '') return;
      this.closePrompt();
      this.user(answer);
      onAnswer(answer);
    });
    this.prompt = form;
    this.add(form);
    input.focus();
  }

  closePrompt(): void {
    this.prompt?.remove();
    this.prompt = null;
  }

  private add(element: HTMLElement): void {
    // The inline prompt stays last while it waits.
    if (this.prompt && this.prompt !== element) this.root.insertBefore(element, this.prompt);
    else this.root.append(element);
    this.scroll();
  }

  private scroll(): void {
    this.root.scrollTop = this.root.scrollHeight;
  }
}
