import { test, expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { login, waitForHydration, expectAccessible, DEMO_PASSWORD } from './helpers';

/** Calls a server function from a signed-in page (same origin, JSON, as the app does). */
async function call(page: Page, endpoint: string, body: unknown): Promise<any> {
  return page.evaluate(
    async ([endpoint, body]) => {
      const res = await fetch(`/api/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    [endpoint, body] as const,
  );
}

/** The first number of a card's figures ("1.234 / 2.000 hộ …"), as written (dots group). */
function holdingOf(text: string): number {
  return Number((text.match(/^[\d.]+/)?.[0] ?? '').replace(/\./g, ''));
}

test('a leader sees a recognition on the open dashboard within a second, without reload', async ({ page, browser }) => {
  await login(page, 'lanhdao');
  await page.goto('/bang-dieu-khien?year=2025');
  await waitForHydration(page);
  await expect(page.locator('[data-live]')).toHaveAttribute('data-live', 'live');
  const card = page.locator('[data-figures="households"]');
  const before = holdingOf((await card.textContent()) ?? '');
  expect(before).toBeGreaterThan(0);
  await expect(page.locator('svg.chart')).toBeVisible();
  await expectAccessible(page, 'the leader dashboard');

  // Another user, in another browser, recognises a household approved last year.
  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  await login(reviewer, 'xetduyet');
  const queues = await call(reviewer, 'cycle/queues', { year: 2025 });
  const dossier = queues.to_decide.find((r: any) => r.title_kind === 'household');
  expect(dossier, 'the demo leaves approved 2025 households waiting for a decision').toBeTruthy();
  const own = await call(reviewer, 'dashboard', { query: { unit_id: null, year: 2025 } });
  const sent = Date.now();
  await call(reviewer, 'cycle/decide', {
    input: {
      number: `E2E-${sent}/QĐ-UBND`,
      decision_date: '2025-12-20',
      authority: 'UBND huyện Trà Bồng',
      signer: 'Hồ Văn Ký',
      year: 2025,
      title_kind: 'household',
      unit_id: own.unit_id,
      recognised: [dossier.id],
      not_recognised: [],
    },
  });

  // The number and the bar change without a reload.
  await expect(card).toHaveText(new RegExp(`^${(before + 1).toLocaleString('vi-VN')} /`), { timeout: 1_500 });
  const arrived = Date.now() - sent;
  console.log(`recognition visible on the open dashboard after ${arrived} ms`);
  expect(arrived).toBeLessThan(1_500);
  await expect(page.locator('[data-live]')).toHaveAttribute('data-live', 'live');
  await reviewerContext.close();
});

test('the dashboard drills down to the village and the address keeps the place', async ({ page }) => {
  await login(page, 'lanhdao');
  await page.goto('/bang-dieu-khien?year=2025');
  const communeLink = page.locator('table.children tbody th a', { hasText: 'Xã Trà Bình' });
  await communeLink.click();
  await expect(page.getByRole('heading', { level: 2, name: /Xã Trà Bình — năm 2025/ })).toBeVisible();
  await expect(page).toHaveURL(/unit=\d+/);
  // Sort the villages by the share, largest first; the heading says how.
  await page.locator('table.children thead a', { hasText: 'Tỷ lệ' }).click();
  await expect(page.locator('table.children thead th[aria-sort="descending"]')).toContainText('Tỷ lệ');
  await page.locator('table.children tbody th a').first().click();
  await expect(page.locator('nav.breadcrumbs li')).toHaveCount(3);
  await expect(page.locator('table.children')).toHaveCount(0);
  await page.locator('nav.breadcrumbs a', { hasText: 'Huyện Trà Bồng' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /Huyện Trà Bồng/ })).toBeVisible();
  // At 360 px the cards and the table still read.
  await page.setViewportSize({ width: 360, height: 800 });
  await expectAccessible(page, 'the dashboard at 360 px');
  await page.goto('/chi-tieu?year=2026');
  await expect(page.getByRole('heading', { level: 2, name: /Huyện Trà Bồng — năm 2026/ })).toBeVisible();
  await expectAccessible(page, 'the targets page (read only for a leader)');
});

test('a year before the 2020 merge shows on its own tree, and on today\'s units', async ({ page }) => {
  await login(page, 'lanhdao');
  await page.goto('/bang-dieu-khien?year=2019');
  await expect(page.getByRole('heading', { level: 2, name: /Huyện Trà Bồng — năm 2019/ })).toBeVisible();
  const rows = page.locator('table.children tbody tr');
  // Trà Bồng before Nghị quyết 867: the town and nine communes.
  await expect(rows).toHaveCount(10);
  await expect(page.locator('table.children')).not.toContainText('Sơn Trà');
  await expectAccessible(page, 'a past year on its own tree');
  await page.locator('nav.tree-choice a', { hasText: 'Theo đơn vị hiện nay' }).click();
  await expect(page).toHaveURL(/today=1/);
  await expect(rows).toHaveCount(16);
  await expect(page.locator('nav.tree-choice a[aria-current="page"]')).toContainText('hiện nay');
  // Sơn Trà says what it was formed from, and links to them.
  await page.locator('table.children tbody th a', { hasText: 'Xã Sơn Trà' }).click();
  await expect(page.locator('.unit-history')).toContainText('Hình thành năm 2020 từ');
  await expect(page.locator('.unit-history a', { hasText: 'Xã Trà Quân' })).toBeVisible();
  await expectAccessible(page, 'a merged commune on today\'s units');
});

test('a unit out of reach or unknown gets a clear message on the dashboard', async ({ page }) => {
  await login(page, 'canbo.trabinh');
  await page.goto('/bang-dieu-khien?unit=999999&year=2025');
  await expect(page.locator('.alert')).toContainText(/Không tìm thấy|không có quyền/);
  await expectAccessible(page, 'the dashboard error');
});

/** Starts the release binary on its own port and database; resolves once it answers. */
async function startServer(port: number, db: string): Promise<ChildProcess> {
  const child = spawn(path.resolve(__dirname, '../../target/release/khuyenhoc-server'), [], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      KH_DEMO: 'true',
      KH_DATABASE_URL: `sqlite://${db}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill('SIGKILL');
  throw new Error(`the server on port ${port} did not start`);
}

test('the indicator says reconnecting while the server restarts, and live again after', async ({ page }) => {
  test.setTimeout(240_000);
  const port = Number(process.env.E2E_PORT ?? 3100) + 57;
  const db = path.join(process.env.E2E_DATA_DIR ?? fs.mkdtempSync('/tmp/kh-e2e-'), 'restart.db');
  let server = await startServer(port, db);
  try {
    const base = `http://127.0.0.1:${port}`;
    await page.goto(`${base}/dang-nhap`);
    await page.locator('#username').fill('lanhdao');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào');
    await page.goto(`${base}/bang-dieu-khien`);
    await waitForHydration(page);
    const live = page.locator('[data-live]');
    await expect(live).toHaveAttribute('data-live', 'live');

    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await expect(live).toHaveAttribute('data-live', 'reconnecting');
    await expect(live).toContainText('đang kết nối lại');

    server = await startServer(port, db);
    await expect(live).toHaveAttribute('data-live', 'live', { timeout: 20_000 });
  } finally {
    server.kill('SIGKILL');
  }
});
