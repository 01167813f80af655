import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
