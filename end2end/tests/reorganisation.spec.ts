import { test, expect } from '@playwright/test';
import { login, waitForHydration, expectAccessible } from './helpers';

test('an administrator fills in the targets sheet and uploads it; a bad row saves nothing', async ({ page }) => {
  await login(page, 'quantri');
  await page.goto('/chi-tieu?year=2027');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2, name: /Tỉnh Quảng Ngãi — năm 2027/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Tải bảng chỉ tiêu/ })).toHaveAttribute('href', /\/export\/targets\.xlsx\?unit_id=\d+&year=2027/);
  await expectAccessible(page, 'the targets page with its sheet');

  // One unknown unit: the rows to fix are listed and nothing is saved.
  await page.locator('#targets-upload').setInputFiles({
    name: 'chi-tieu.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Mã đơn vị,Năm,Gia đình học tập (%)\n51,2027,72\n51-KHONG-CO,2027,50\n'),
  });
  await expect(page.locator('.alert-error li').first()).toContainText('Dòng 3: không có đơn vị mã "51-KHONG-CO"');
  await expect(page.locator('#target-households')).toHaveValue('');
  await expectAccessible(page, 'the targets page listing a file\'s problems');

  await page.locator('#targets-upload').setInputFiles({
    name: 'chi-tieu.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('Mã đơn vị,Năm,Gia đình học tập (%)\n51,2027,72\n'),
  });
  await expect(page.locator('.alert-success', { hasText: 'Đã đọc 1 dòng; chỉ tiêu của 1 dòng đã thay đổi.' })).toBeVisible();
  await expect(page.locator('#target-households')).toHaveValue('72');
});

test('an administrator records a merge on the unit page; the ended units say until when', async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, 'quantri');
  await page.goto('/don-vi');
  await waitForHydration(page);
  await page.locator('ul.tree a', { hasText: 'Tỉnh Quảng Ngãi' }).click();
  // A district of its own for this test, with three communes.
  const stamp = Date.now().toString().slice(-6);
  const add = async (level: string, code: string, name: string) => {
    await page.locator('#new-level').selectOption(level);
    await page.locator('#new-code').fill(code);
    await page.locator('#new-name').fill(name);
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await expect(page.locator('ul.tree')).toContainText(name);
  };
  await add('huyen', `E2E-${stamp}`, `Huyện Thử ${stamp}`);
  await page.locator('ul.tree a', { hasText: `Huyện Thử ${stamp}` }).click();
  await expect(page.getByRole('heading', { level: 2, name: new RegExp(`Huyện Thử ${stamp}`) })).toBeVisible();
  await add('xa', `E2E-${stamp}-1`, 'Xã Thử Một');
  await add('xa', `E2E-${stamp}-2`, 'Xã Thử Hai');
  await add('xa', `E2E-${stamp}-3`, 'Xã Thử Mới');
  await expectAccessible(page, 'the unit page with the reorganisation form');

  await page.getByRole('checkbox', { name: 'Xã Thử Một' }).check();
  await page.getByRole('checkbox', { name: 'Xã Thử Hai' }).check();
  await page.locator('#successor').selectOption({ label: 'Xã Thử Mới' });
  await page.locator('#succession-basis').fill('Nghị quyết thử nghiệm');
  await page.getByRole('button', { name: 'Ghi nhận' }).click();
  await expect(page.locator('.alert-success', { hasText: 'Đã ghi nhận việc sắp xếp đơn vị.' })).toBeVisible();
  // The two ended communes leave today's list; shown with the inactive ones, they say until when.
  await expect(page.locator('ul.tree')).not.toContainText('Xã Thử Một');
  await page.getByRole('link', { name: 'Hiện cả đơn vị ngừng hoạt động' }).click();
  await expect(page.locator('ul.tree li', { hasText: 'Xã Thử Một' })).toContainText(/đến năm \d{4}/);
  await expect(page.locator('ul.tree li', { hasText: 'Xã Thử Mới' })).toContainText(/từ năm \d{4}/);
});
