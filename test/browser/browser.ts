import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { channelOf, frameProblems } from '../support/frame-contract';
import { RestContract } from '../support/rest-contract';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Whether the browser specs can run. Without Chromium they skip, saying why; on CI (`CI` set) they must run,
 * so `.ci/run` installs it and a missing one fails the run instead.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser specs (.ci/run installs the chromium package)`);
  process.stdout.write(`Browser specs skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`);
  return false;
}

/**
 * A real headless Chromium with a fresh profile. Every console error, page error, REST answer that breaks
 * docs/openapi.json and WebSocket frame that breaks docs/asyncapi.yaml, in any of its pages, is a problem.
 */
export class Browser {
  readonly problems: string[] = [];
  private readonly contract = RestContract.load();

  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {
    context.on('page', (page) => this.watch(page));
  }

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'agw-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1100, height: 900 } });
    const browser = new Browser(context, profile);
    for (const page of context.pages()) browser.watch(page);
    return browser;
  }

  async page(): Promise<Page> {
    const [blank] = this.context.pages();
    if (blank && blank.url() === 'about:blank' && !this.used.has(blank)) {
      this.used.add(blank);
      return blank;
    }
    return this.context.newPage();
  }

  async screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }

  private readonly used = new Set<Page>();

  private watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      const operation = this.contract.operationFor(response.request().method(), response.url());
      if (!operation) return;
      void Promise.all([response.text(), response.allHeaders(), response.request().allHeaders()]).then(
        ([body, headers, sent]) => {
          // A revalidated answer (304, the browser shows its cached 200) is HTTP caching, not an API answer.
          if ('if-none-match' in sent) return;
          this.problems.push(...this.contract.problems(operation, { status: response.status(), headers: new Headers(headers), body }));
        },
        () => undefined,
      );
    });
    page.on('websocket', (socket) => {
      const channel = channelOf(new URL(socket.url()).pathname);
      if (!channel) return;
      const check = (direction: 'send' | 'receive', payload: string | Buffer) => {
        const problem = frameProblems(channel, direction, JSON.parse(payload.toString()));
        if (problem) this.problems.push(problem);
      };
      // The server's frames are the contract's `send` operations; the page's are its `receive` ones.
      socket.on('framereceived', ({ payload }) => check('send', payload));
      socket.on('framesent', ({ payload }) => check('receive', payload));
    });
  }
}

/** Gets a development token for `sub` with the page's button, as a person would. */
export async function signIn(page: Page, sub: string, roles = ''): Promise<void> {
  await page.getByLabel('User (sub)').fill(sub);
  await page.getByLabel('Roles').fill(roles);
  await page.getByRole('button', { name: 'Get a development token' }).click();
  await page.getByText(`Signed in as ${sub}`).waitFor();
}

/** Types a message and sends it with Enter; waits until the turn is over (the input unlocks). */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await page.locator('#message:enabled').waitFor({ timeout: 15000 });
}

/** expect.poll with room for a turn of the built-in model on a busy machine. */
export function eventually<T>(read: () => Promise<T>): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout: 10000, interval: 100 });
}
