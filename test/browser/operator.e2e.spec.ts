import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app';
import { Browser, chromiumAvailable, eventually, say, signIn } from './browser';

describe.skipIf(!chromiumAvailable())('a handoff answered from the operator view, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let user: Page;
  let operator: Page;

  beforeAll(async () => {
    t = await startTestApp({ env: { JWT_SECRET: '' } });
    browser = await Browser.launch();
    user = await browser.page();
    operator = await browser.page();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('hands off to a human who replies from the operator view and hands back to the agent', async () => {
    await user.goto(`${t.httpUrl}/?protocol=interact`);
    await signIn(user, 'alice');
    await eventually(() => user.locator('#pill').textContent()).toBe('connected');
    const chat = user.getByRole('log', { name: 'Conversation' });
    await say(user, 'I want to talk to a person');
    await chat.getByText('Handed off: a human operator will reply here.').waitFor();
    await say(user, 'hello? anyone there?');
    await chat.getByText('Passed on to the operator').waitFor();
    const convoId = (await user.locator('#conversation-id').textContent())!;

    // The operator works in another tab (its own sessionStorage, so its own token), with the keyboard.
    await operator.goto(`${t.httpUrl}/`);
    await signIn(operator, 'sam', 'operator');
    const tab = operator.getByRole('tab', { name: 'Playground' });
    await tab.focus();
    await tab.press('ArrowRight');
    expect(await operator.getByRole('tab', { name: 'Operator' }).getAttribute('aria-selected')).toBe('true');
    const queued = operator.getByRole('button', { name: new RegExp(`^${convoId} · alice`) });
    await queued.waitFor();
    await queued.click();
    const transcript = operator.getByRole('log', { name: `Conversation ${convoId}` });
    await transcript.getByText('hello? anyone there?').waitFor();
    await browser.screenshot(operator, 'operator-queue');

    const reply = operator.getByLabel('Reply as operator');
    await reply.fill('Hi Alice, Sam from support here. How can I help?');
    await reply.press('Enter');
    await transcript.getByText('Hi Alice, Sam from support here.').waitFor();
    // The user's page is live: the reply arrives over its open /interact socket, marked as the operator's.
    const operatorBubble = chat.locator('.msg.operator');
    await eventually(() => operatorBubble.last().textContent()).toContain('Hi Alice, Sam from support here.');
    expect(await operatorBubble.last().textContent()).toContain('🧑 Operator');
    await browser.screenshot(user, 'handoff-user');

    await operator.getByRole('button', { name: 'Hand back to the agent' }).click();
    await operator.getByText(`${convoId} is back with the agent.`).waitFor();
    await eventually(() => operator.getByRole('button', { name: new RegExp(`^${convoId} ·`) }).count()).toBe(0);
    await browser.screenshot(operator, 'operator-handed-back');

    await say(user, 'what is 2 + 2');
    await eventually(() => chat.locator('.msg.agent').last().textContent()).toContain('4');

    // After a refresh the conversation comes back whole, the operator's reply included.
    await user.reload();
    await eventually(() => user.getByRole('log', { name: 'Conversation' }).locator('.msg').count()).toBe(6);
    expect(await chat.locator('.msg.operator').textContent()).toContain('Sam from support');
    await browser.screenshot(user, 'handoff-after-reload');
  });

  it('left nothing in the console, and every REST answer and frame the pages saw matches the contracts', () => {
    expect(browser.problems).toEqual([]);
  });
});
