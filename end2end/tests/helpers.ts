import { expect, Page } from '@playwright/test';
import fs from 'node:fs';

export const DEMO_PASSWORD = 'khuyenhoc2026';

/** What the browser said on each page: errors and failed requests, shown when hydration fails. */
const browserLog = new WeakMap<Page, string[]>();

function watchBrowser(page: Page) {
  if (browserLog.has(page)) return;
  const log: string[] = [];
  browserLog.set(page, log);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text().slice(0, 2000)}`);
  });
  page.on('pageerror', (e) => log.push(`page error: ${e.message.slice(0, 2000)}`));
  page.on('requestfailed', (r) => log.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
}

/** Signs in through the form and waits for the home page. */
export async function login(page: Page, username: string) {
  watchBrowser(page);
  await page.goto('/dang-nhap');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào');
}

/** Waits until the WebAssembly app has hydrated the page (the body gets event handlers). */
export async function waitForHydration(page: Page) {
  watchBrowser(page);
  try {
    await page.waitForFunction(() => (window as any).__khHydrated === true, null, { timeout: 30_000 });
  } catch (e) {
    const log = browserLog.get(page) ?? [];
    throw new Error(`${page.url()} did not hydrate. The browser said:\n${log.join('\n') || '(nothing)'}\n${e}`);
  }
}

/** The value of an option in a unit picker, chosen by its group (parent) and its label. */
export async function unitOptionValue(page: Page, selectId: string, group: string, label: string) {
  const option = page.locator(`#${selectId} optgroup[label="${group}"] option`, { hasText: label }).first();
  await expect(option).toBeAttached();
  return (await option.getAttribute('value')) as string;
}

/** axe-core's source, evaluated in the page through Playwright: the page's CSP would refuse it
 * as an injected script tag. */
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Fails with every WCAG 2.1 A/AA violation axe-core finds on the page as it is now. */
export async function expectAccessible(page: Page, what: string) {
  await page.evaluate(axeSource);
  const violations: { id: string; help: string; nodes: { target: string[] }[] }[] = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => ({ target: n.target })),
    }));
  });
  const report = violations
    .map((v) => `${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`)
    .join('\n');
  expect(report, `${what} (${page.url()}) has WCAG 2.1 AA violations`).toBe('');
}
