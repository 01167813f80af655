import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useScriptedModel } from '../support/scripted-model';
import { startTestApp, type TestApp } from '../support/test-app';
import { Browser, chromiumAvailable, eventually, say, signIn } from './browser';

const transcript = (page: Page) => page.getByRole('log', { name: 'Conversation' });

describe.skipIf(!chromiumAvailable())('the playground in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // No JWT_SECRET: the server signs with its generated development key, so the token button works.
    t = await startTestApp({ env: { JWT_SECRET: '' } });
    browser = await Browser.launch();
    page = await browser.page();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served at / with a strict Content-Security-Policy, every asset from the server itself', async () => {
    const response = await page.goto(`${t.httpUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    const script = await fetch(`${t.httpUrl}/playground/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${t.httpUrl}/playground/nothing.js`)).status).toBe(404);
    await signIn(page, 'alice');
    await eventually(() => page.locator('#pill').textContent()).toBe('connected');
  });

  it('runs a chat turn: the input locks, the action log shows in monospace, the answer last; a refresh reloads it', async () => {
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('what is 6 * 7');
    await box.press('Enter');
    await page.locator('#message:enabled').waitFor();
    const log = transcript(page);
    await eventually(() => log.locator('.step.action pre').first().textContent()).toContain('calculator');
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('42');
    await browser.screenshot(page, 'chat-turn');

    const url = page.url();
    expect(url).toMatch(/protocol=chat&id=chat-/);
    await page.reload();
    await eventually(() => transcript(page).locator('.msg.agent').last().textContent()).toContain('42');
    expect(await transcript(page).locator('.msg.user').first().textContent()).toContain('what is 6 * 7');
    await browser.screenshot(page, 'chat-after-reload');
  });

  it('runs an interact turn: sources as chips, the tool call, the streamed answer', async () => {
    await page.getByLabel('Protocol').selectOption('interact');
    await eventually(() => page.locator('#pill').textContent()).toBe('connected');
    await say(page, 'How long does shipping take?');
    const log = transcript(page);
    await eventually(() => log.locator('.chip').count()).toBeGreaterThan(0);
    await eventually(() => log.locator('.step.tool summary').first().textContent()).toContain('knowledge_search');
    await eventually(() => log.locator('.msg.agent').last().textContent()).toMatch(/✅ Answer.*\S/);
    await browser.screenshot(page, 'interact-turn');
  });

  it('runs the 4x4 interactive exchange: the question as an inline prompt, answered in the page', async () => {
    await page.getByLabel('Protocol').selectOption('interactive');
    await page.getByLabel('Message', { exact: true }).fill('4x4');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const log = transcript(page);
    await log.getByText('before I answer that give me your answer?').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    await browser.screenshot(page, 'interactive-question');
    const answer = log.getByLabel('Your answer');
    await answer.fill('16');
    await answer.press('Enter');
    await log.getByText("You're Correct!").waitFor();
    await log.getByText('🧾 Context').waitFor();
    await page.locator('#message:enabled').waitFor();
    expect(await page.locator('#pill').textContent()).toBe('idle');
    await browser.screenshot(page, 'interactive-answered');
  });

  it('runs a stateless planner run: the plan folded away as reasoning, then the action and the answer', async () => {
    await page.getByLabel('Protocol').selectOption('run');
    await page.getByLabel('Agent', { exact: true }).fill('planner');
    await page.getByLabel('Agent', { exact: true }).press('Tab');
    await say(page, 'what is 12 * 12');
    const log = transcript(page);
    const plan = log.locator('details.step.plan');
    await plan.first().waitFor();
    expect(await plan.first().getAttribute('open')).toBeNull();
    await plan.first().locator('summary').click();
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('144');
    await browser.screenshot(page, 'run-planner');
  });

  it('is usable at 375 px: nothing wider than the screen, every control labelled', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByLabel('Protocol').selectOption('chat');
    await say(page, 'get all contacts');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !el.closest('[hidden]') && !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
      .map((el) => el.outerHTML)`);
    expect(unlabelled).toEqual([]);
    await browser.screenshot(page, 'narrow-375');
  });

  it('left nothing in the console, and every REST answer and frame the page saw matches the contracts', () => {
    expect(browser.problems).toEqual([]);
  });
});

describe.skipIf(!chromiumAvailable())('tool approvals in the playground', () => {
  // The scripted model calls the calculator, which the operator marks as needing approval; no JWT_SECRET for the token button.
  const { app, model } = useScriptedModel({ env: { JWT_SECRET: '', TOOLS_REQUIRING_APPROVAL: 'calculator' } });
  const calc = { kind: 'tool_calls' as const, calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] };
  const answer = (text: string) => ({ kind: 'text' as const, chunks: [text] });
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await Browser.launch();
    page = await browser.page();
    await page.goto(`${app().httpUrl}/`);
    await signIn(page, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Sends a message on `protocol` (a new conversation) and returns the approval card it waits on. */
  async function askForApproval(protocol: 'chat' | 'interact') {
    await page.getByLabel('Protocol').selectOption(protocol);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await eventually(() => page.locator('#pill').textContent()).toBe('connected');
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('what is 6*7?');
    await box.press('Enter');
    const card = transcript(page).getByRole('group', { name: 'Approval for calculator' });
    await card.waitFor();
    expect(await card.locator('pre').textContent()).toContain('"expression": "6*7"');
    expect(await box.isDisabled()).toBe(true);
    return { card, approve: card.getByRole('button', { name: 'Approve' }), reject: card.getByRole('button', { name: 'Reject' }), reason: card.getByLabel('Reason to reject') };
  }

  const turnOver = () => page.locator('#message:enabled').waitFor({ timeout: 15000 });
  const lastRequestTools = () => JSON.stringify(model.requests.at(-1)!.body.messages?.filter((message) => message.role === 'tool'));

  it('/chat: Approve runs the call; both buttons lock, the result shows, the answer ends the turn', async () => {
    model.enqueue(calc, answer('It is 42.'));
    const { approve, reject, reason } = await askForApproval('chat');
    await approve.click();
    await turnOver();
    const log = transcript(page);
    await log.getByText('▶ Approved.').waitFor();
    expect([await approve.isDisabled(), await reject.isDisabled(), await reason.isDisabled()]).toEqual([true, true, true]);
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('It is 42.');
    expect(lastRequestTools()).toContain('42');
    await browser.screenshot(page, 'approval-chat-approved');
  });

  it('/chat: Reject with a typed reason; the model reads it instead of a result', async () => {
    model.enqueue(calc, answer('Fine, I will not.'));
    const { approve, reject, reason } = await askForApproval('chat');
    await reason.fill('do it in your head');
    await reject.click();
    await turnOver();
    const log = transcript(page);
    await log.getByText('⛔ Rejected: do it in your head').waitFor();
    expect([await approve.isDisabled(), await reject.isDisabled()]).toEqual([true, true]);
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('Fine, I will not.');
    expect(lastRequestTools()).toContain('The user rejected this call: do it in your head');
  });

  it('/interact: Approve runs the call; the tool call and the answer follow', async () => {
    model.enqueue(calc, answer('It is 42.'));
    const { approve, reject } = await askForApproval('interact');
    await browser.screenshot(page, 'approval-interact-waiting');
    await approve.click();
    await turnOver();
    const log = transcript(page);
    await log.getByText('▶ Approved.').waitFor();
    expect([await approve.isDisabled(), await reject.isDisabled()]).toEqual([true, true]);
    await eventually(() => log.locator('.step.tool summary').last().textContent()).toContain('calculator');
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('It is 42.');
  });

  it('/interact: Reject with the reason left empty sends the default one', async () => {
    model.enqueue(calc, answer('Fine, I will not.'));
    const { approve, reject } = await askForApproval('interact');
    await reject.click();
    await turnOver();
    const log = transcript(page);
    await log.getByText('⛔ Rejected: rejected in the playground').waitFor();
    expect([await approve.isDisabled(), await reject.isDisabled()]).toEqual([true, true]);
    await eventually(() => log.locator('.msg.agent').last().textContent()).toContain('Fine, I will not.');
    expect(lastRequestTools()).toContain('The user rejected this call: rejected in the playground');
  });

  it('/chat: decided elsewhere (POST /approvals/{id}): the approval_result locks the buttons', async () => {
    model.enqueue(calc, answer('It is 42.'));
    const { card, approve, reject } = await askForApproval('chat');
    const id = await card.getAttribute('data-approval-id');
    const token = await page.evaluate<string>(`sessionStorage.getItem('agent-gateway.playground.token')`);
    const decided = await fetch(`${app().httpUrl}/approvals/${id}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ approved: true, reason: 'approved over REST' }),
    });
    expect(decided.status).toBe(200);
    await turnOver();
    await transcript(page).getByText('▶ Approved.').waitFor();
    expect([await approve.isDisabled(), await reject.isDisabled()]).toEqual([true, true]);
    await eventually(() => transcript(page).locator('.msg.agent').last().textContent()).toContain('It is 42.');
  });

  it('left nothing in the console, and every REST answer and frame the page saw matches the contracts', () => {
    expect(browser.problems).toEqual([]);
  });
});
