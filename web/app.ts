import { GatewayClient } from '../client/src/index';
import { byId, submitOnEnter } from './dom';
import { OperatorView } from './operator-view';
import { openChat } from './sessions/chat-session';
import { openInteract } from './sessions/interact-session';
import { openInteractive } from './sessions/interactive-session';
import { openRun } from './sessions/run-session';
import type { PillState, Session, SessionHost } from './sessions/session';
import { TokenPanel } from './token-panel';
import { Transcript } from './transcript';

type Protocol = 'chat' | 'interact' | 'interactive' | 'run';
const PROTOCOLS: Protocol[] = ['chat', 'interact', 'interactive', 'run'];

const PILL_TEXT: Record<PillState, string> = {
  connecting: 'connecting…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
  idle: 'idle',
  rest: 'REST',
};

const protocolSelect = byId<HTMLSelectElement>('protocol');
const agentInput = byId<HTMLInputElement>('agent');
const routeInput = byId<HTMLInputElement>('route');
const message = byId<HTMLTextAreaElement>('message');
const send = byId<HTMLButtonElement>('send');
const cancel = byId<HTMLButtonElement>('cancel');
const spinner = byId<HTMLSpanElement>('spinner');
const pill = byId<HTMLSpanElement>('pill');

const transcript = new Transcript(byId('transcript'));
const tokens = new TokenPanel(() => void restart());
const gateway = new GatewayClient({ baseUrl: location.origin, token: () => tokens.current });
const operator = new OperatorView(() => gateway);
let session: Session | null = null;

/** The page's state lives in the URL, so a refresh (or a shared link) reopens the same conversation. */
function readUrl(): { protocol: Protocol; id: string | null; agent: string; route: string } {
  const params = new URLSearchParams(location.search);
  const protocol = PROTOCOLS.find((name) => name === params.get('protocol')) ?? 'chat';
  return { protocol, id: params.get('id'), agent: params.get('agent') ?? 'assistant', route: params.get('route') ?? '/base/testing/interactive' };
}

function writeUrl(state: { protocol: Protocol; id: string; agent: string; route: string }): void {
  const params = new URLSearchParams({ protocol: state.protocol, id: state.id });
  if (state.protocol === 'interact' || state.protocol === 'run') params.set('agent', state.agent);
  if (state.protocol === 'interactive') params.set('route', state.route);
  history.replaceState(null, '', `?${params.toString()}`);
}

function setState(state: PillState): void {
  pill.dataset.state = state;
  pill.textContent = PILL_TEXT[state];
}

function lock(busy: boolean): void {
  message.disabled = busy;
  send.disabled = busy;
  spinner.hidden = !busy;
  cancel.hidden = !busy || !session?.cancel;
  if (!busy) message.focus();
}

/** Closes the current session and opens the one the form describes; a new id when asked (or none yet). */
async function restart(newConversation = false): Promise<void> {
  session?.close();
  session = null;
  transcript.clear();
  lock(false);
  const url = readUrl();
  const protocol = protocolSelect.value as Protocol;
  const fresh = newConversation || url.id === null || url.protocol !== protocol;
  const state = { protocol, id: fresh ? `${protocol}-${crypto.randomUUID().slice(0, 8)}` : url.id!, agent: agentInput.value.trim() || 'assistant', route: routeInput.value.trim() };
  writeUrl(state);
  byId('conversation-id').textContent = state.id;
  byId('agent-label').hidden = protocol === 'interactive' || protocol === 'chat';
  byId('agent-note').hidden = protocol !== 'chat';
  byId('route-label').hidden = protocol !== 'interactive';
  if (!(await tokens.describe(gateway))) {
    setState('idle');
    message.disabled = send.disabled = true;
    return;
  }
  const host: SessionHost = { gateway, transcript, setState };
  if (protocol === 'chat') session = openChat(host, state.id);
  else if (protocol === 'interact') session = openInteract(host, state.id, state.agent, fresh);
  else if (protocol === 'interactive') session = openInteractive(host, state.route, state.id, fresh);
  else session = openRun(host, state.agent);
}

function setUpTabs(): void {
  const tabs = [byId<HTMLButtonElement>('tab-playground'), byId<HTMLButtonElement>('tab-operator')];
  const choose = (chosen: HTMLButtonElement) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      byId(tab.getAttribute('aria-controls')!).hidden = !selected;
    }
    if (chosen.id === 'tab-operator') operator.start();
    else operator.stop();
  };
  for (const [index, tab] of tabs.entries()) {
    tab.addEventListener('click', () => choose(tab));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const next = tabs[(index + step + tabs.length) % tabs.length]!;
      next.focus();
      choose(next);
    });
  }
}

const initial = readUrl();
protocolSelect.value = initial.protocol;
agentInput.value = initial.agent;
routeInput.value = initial.route;
protocolSelect.addEventListener('change', () => void restart(true));
agentInput.addEventListener('change', () => void restart(true));
routeInput.addEventListener('change', () => void restart(true));
byId('new-conversation').addEventListener('click', () => void restart(true));
cancel.addEventListener('click', () => session?.cancel?.());
submitOnEnter(message);
byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = message.value.trim();
  if (text === '' || !session) return;
  message.value = '';
  lock(true);
  void session.send(text).finally(() => lock(false));
});
setUpTabs();
void restart();
