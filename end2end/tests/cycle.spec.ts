import { Browser, expect, Page, test } from '@playwright/test';
import { login, unitOptionValue, waitForHydration } from './helpers';

const INDICATORS = ['GD1.a', 'GD1.b', 'GD1.c', 'GD2.a', 'GD2.b', 'GD2.c', 'GD3.a', 'GD3.b', 'GD4.a', 'GD4.b'];
const inputId = (code: string) => `#ind-${code.replace('.', '-')}`;

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, username);
  return page;
}

/** Waits until autosave has stored the form (the status shows "Đã lưu lúc …"). */
async function waitForSave(page: Page) {
  await expect(page.getByText(/Đã lưu lúc/)).toBeVisible({ timeout: 20_000 });
}

test('a household goes through the whole cycle: registered, scored live, returned, fixed, approved, recognised and verified', async ({ browser }) => {
  test.setTimeout(240_000);
  const year = new Date().getFullYear();
  const officer = await signedIn(browser, 'canbo.trabinh');

  // Register one household of Thôn 1, Xã Trà Bình.
  await officer.goto(`/dang-ky?year=${year}&title=household`);
  await waitForHydration(officer);
  const village = await unitOptionValue(officer, 'unit', 'Xã Trà Bình', 'Thôn 1');
  await officer.goto(`/dang-ky?year=${year}&title=household&unit=${village}`);
  await waitForHydration(officer);
  const box = officer.locator('#candidates input[type=checkbox]:not([disabled])').first();
  const boxId = await box.getAttribute('id');
  const name = (await officer.locator(`label[for="${boxId}"]`).innerText()).trim();
  await box.check();
  await officer.locator('#register-selected').click();
  await expect(officer.getByText(/Đã đăng ký 1/)).toBeVisible();

  // Open the evaluation from the registration list.
  const row = officer.locator('#registrations tr', { hasText: name });
  await row.getByRole('button', { name: 'Chấm điểm' }).or(row.getByRole('link', { name: 'Chấm điểm' })).first().click();
  await expect(officer).toHaveURL(/\/danh-gia\/\d+$/);
  await waitForHydration(officer);

  // Score: the total is computed in the browser as the officer types.
  for (const code of INDICATORS) await officer.locator(inputId(code)).fill('8');
  await expect(officer.locator('#live-total')).toHaveText('80');
  await expect(officer.locator('#live-verdict')).toContainText(/công nhận|Đạt/i);
  await waitForSave(officer);

  // The server stored the same total it computed itself from the answers.
  await officer.goto(`/dang-ky?year=${year}&title=household&unit=${village}`);
  await expect(officer.locator('#registrations tr', { hasText: name })).toContainText('80');
  await officer.locator('#registrations tr', { hasText: name }).getByRole('link').first().click();
  await waitForHydration(officer);
  await officer.getByRole('button', { name: 'Gửi duyệt' }).click();
  await expect(officer.getByText('Chờ xét duyệt').first()).toBeVisible();
  const evaluationUrl = officer.url();

  // The reviewer returns one criterion with a comment.
  const reviewer = await signedIn(browser, 'xetduyet');
  await reviewer.goto(evaluationUrl);
  await waitForHydration(reviewer);
  await reviewer.locator('#comment-GD2').fill('Thiếu minh chứng học tập của người lớn, đề nghị bổ sung.');
  await reviewer.getByRole('button', { name: 'Trả lại' }).click();
  await expect(reviewer.getByText('Bị trả lại').first()).toBeVisible();

  // The officer, now on a phone (360 px), sees the comment at GD2, fixes it and resubmits.
  await officer.setViewportSize({ width: 360, height: 740 });
  await officer.goto(evaluationUrl);
  await waitForHydration(officer);
  const overflow = await officer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(officer.locator('.comment-box', { hasText: 'Thiếu minh chứng học tập của người lớn' })).toBeVisible();
  await officer.locator(inputId('GD2.a')).fill('10');
  await expect(officer.locator('#live-total')).toHaveText('82');
  // The score bar stays on screen while the officer works further down the form.
  await expect(officer.locator('#live-total')).toBeInViewport();
  await waitForSave(officer);
  await officer.getByRole('button', { name: 'Gửi duyệt' }).click();
  await expect(officer.getByText('Chờ xét duyệt').first()).toBeVisible();

  // The reviewer approves; the evaluation is locked.
  await reviewer.goto(evaluationUrl);
  await waitForHydration(reviewer);
  await expect(reviewer.locator('#live-total')).toHaveText('82');
  await reviewer.getByRole('button', { name: 'Duyệt', exact: true }).click();
  await expect(reviewer.getByText(/Đã duyệt/).first()).toBeVisible();

  // One decision recognises it.
  await reviewer.goto(`/quyet-dinh?year=${year}&title=household`);
  await waitForHydration(reviewer);
  await expect(reviewer.locator('#decision-rows')).toContainText(name);
  const commune = await unitOptionValue(reviewer, 'decision-unit', 'Huyện Trà Bồng', 'Xã Trà Bình');
  await reviewer.locator('#decision-unit').selectOption(commune);
  await reviewer.locator('#decision-number').fill(`E2E-${Date.now() % 100000}/QĐ-UBND`);
  await reviewer.locator('#decision-authority').fill('UBND xã Trà Bình');
  await reviewer.locator('#decision-signer').fill('Hồ Văn Thịnh');
  await reviewer.locator('#issue-decision').click();
  await expect(reviewer.locator('#decision-issued')).toBeVisible();

  // The certificate carries a QR code to the public verification page.
  await reviewer.locator('#print-issued').click();
  const qr = reviewer.locator('img.cert-qr').first();
  await expect(qr).toBeVisible();
  const src = (await qr.getAttribute('src')) as string;
  const code = src.replace('/qr/', '').replace('.svg', '');
  expect(code).toMatch(/^[A-Z0-9]{12}$/);

  // Anyone, signed out, can check it — and sees nothing else about the household.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/xac-minh/${code}`);
  await expect(visitor.locator('#verify-result')).toHaveText('Giấy công nhận hợp lệ');
  await expect(visitor.getByText(name)).toBeVisible();
  await expect(visitor.getByText('Gia đình học tập').first()).toBeVisible();
  await expect(visitor.getByText(/0\d{9}/)).toHaveCount(0);
});

test('the browser and the server score the shared fixtures identically', async ({ page }) => {
  await login(page, 'quantri');
  await page.goto('/kiem-tra-cham-diem');
  await waitForHydration(page);
  await expect(page.locator('#selfcheck-status')).toContainText('Khớp hoàn toàn');
  const server = await page.locator('#digest-server').innerText();
  const browserDigest = await page.locator('#digest-browser').innerText();
  expect(browserDigest).toBe(server);
  expect(server.split('\n').length).toBeGreaterThan(10);
});
