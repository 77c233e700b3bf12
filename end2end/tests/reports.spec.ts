import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, login, waitForHydration } from './helpers';

// The yearly report (/bao-cao): an officer writes a narrative section, saves, reloads and
// sees it; the page passes axe-core (WCAG 2.1 A and AA) at 360 px; printed, it shows the
// report without the navigation and buttons; before (or without) the WebAssembly it reads.

test('an officer writes a section of the yearly report, saves it and sees it after a reload', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, 'canbo.trabinh');
  await page.getByRole('navigation', { name: 'Danh mục chính' }).getByRole('link', { name: 'Báo cáo năm' }).click();
  await expect(page).toHaveURL(/\/bao-cao/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Báo cáo kết quả xây dựng xã hội học tập năm 2026');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xã Trà Bình');

  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/bao-cao?year=2026');
  await waitForHydration(page);
  await expect(page.locator('table.report-figures tbody tr')).toHaveCount(5);
  await expect(page.locator('a', { hasText: 'Xuất Excel' })).toHaveAttribute('href', /\/export\/report\.xlsx\?unit_id=\d+&year=2026/);
  await expectAccessible(page, 'the yearly report at 360 px');

  const text = `Các hộ tham gia tích cực (${Date.now()}).\n\nChi hội khuyến học thôn 1 làm tốt.`;
  const form = page.locator('form[data-section="participation"]');
  await form.getByRole('textbox').fill(text);
  await expect(form.locator('.narrative-count')).toContainText('/ 10.000 ký tự');
  await form.getByRole('button', { name: 'Lưu mục này' }).click();
  await expect(form.getByRole('status')).toHaveText('Đã lưu.');
  await expect(form).toContainText('Hồ Thị Hoa');
  await expectAccessible(page, 'the yearly report after a save, at 360 px');

  await page.reload();
  await waitForHydration(page);
  await expect(page.locator('#narrative-participation')).toHaveValue(text);

  // Printed: the report and its saved text, no navigation, buttons or text areas.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.topbar')).toBeHidden();
  await expect(page.locator('nav.mainnav')).toBeHidden();
  await expect(page.locator('nav.breadcrumbs')).toBeHidden();
  await expect(page.locator('#report-print')).toBeHidden();
  await expect(page.locator('#narrative-participation')).toBeHidden();
  await expect(page.locator('.print-only[data-section="participation"]')).toBeVisible();
  await expect(page.locator('.print-only[data-section="participation"] p').first()).toContainText('Các hộ tham gia tích cực');
  await expect(page.locator('table.report-figures')).toBeVisible();
  await expect(page.locator('.report-signatures')).toContainText('Người lập báo cáo');
  await expect(page.locator('.report-signatures')).toContainText('Thủ trưởng đơn vị');
  await expect(page.locator('.report-signatures')).toContainText('…, ngày … tháng … năm …');
  await page.emulateMedia({ media: 'screen' });
  await expect(page.locator('#narrative-participation')).toBeVisible();
});

test('a leader reads the report without writing it, also without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/dang-nhap');
  await page.locator('#username').fill('lanhdao');
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  // Without JavaScript the sign-in comes back to its page, which says who is signed in.
  await expect(page.locator('#continue')).toBeVisible();

  await page.goto('/bao-cao?year=2025');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Huyện Trà Bồng');
  await expect(page.locator('table.report-children')).toHaveCount(6);
  await expect(page.locator('textarea')).toHaveCount(0);
  // The unit picker is links: down to a commune's report, and its year form works as a GET.
  await page.locator('table.report-children[data-kind="households"] tbody th a', { hasText: 'Xã Trà Bình' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xã Trà Bình');
  await page.locator('#report-year').fill('2024');
  await page.getByRole('button', { name: 'Xem năm này' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('năm 2024');
  await context.close();
});
