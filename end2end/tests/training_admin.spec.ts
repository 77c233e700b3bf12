import { expect, test } from '@playwright/test';
import { expectAccessible, login, waitForHydration } from './helpers';

// Training as the administrator runs it, at 360 px: the module editor (a new module's draft,
// a lesson and a question, what still stops it from being published) and the district's
// in-person conference (a pasted delegate, attendance, the sign-in sheet). Every page is
// checked with axe-core (WCAG 2.1 A and AA).

test('the administrator drafts a module: it lists what stops publishing, and saves', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'quantri');
  await page.goto('/tap-huan/quan-ly');
  await waitForHydration(page);
  await expect(page.locator('#module-admin-list tbody tr')).toHaveCount(3);
  await expectAccessible(page, 'module list at 360 px');

  await page.locator('#new-module-title').fill('Học phần thử của kiểm thử trình duyệt');
  await page.getByRole('button', { name: 'Tạo bản nháp' }).click();
  await expect(page).toHaveURL(/\/tap-huan\/quan-ly\/\d+$/);
  await waitForHydration(page);
  await expect(page.locator('#draft-problems')).toContainText('cần ít nhất một bài học');

  await page.getByRole('button', { name: '+ Thêm bài học' }).click();
  await page.getByLabel('Bài 1: tên bài').fill('Bài mở đầu');
  await page.getByLabel('Bài 1: nội dung (Markdown)').fill('Xã hội học tập là **mọi người** đều được học.');
  await page.getByRole('button', { name: 'Xem trước bài 1' }).click();
  await expect(page.getByRole('region', { name: 'Xem trước bài 1' }).locator('strong')).toHaveText('mọi người');
  await page.getByRole('button', { name: '+ Thêm câu hỏi' }).click();
  await page.getByLabel('Câu 1: câu hỏi').fill('Ai được học?');
  await page.getByLabel('Câu 1, phương án 1', { exact: true }).fill('Mọi người');
  await page.getByLabel('Câu 1, phương án 2', { exact: true }).fill('Chỉ trẻ em');
  await page.getByLabel('Câu 1: giải thích (hiện sau khi nộp bài)').fill('Học tập suốt đời là của mọi người.');
  await expect(page.locator('#draft-problems')).not.toContainText('cần ít nhất một bài học');
  await expect(page.locator('#draft-problems')).toContainText('Ngân hàng câu hỏi cần ít nhất');
  await expect(page.locator('#publish-draft')).toBeDisabled();
  await expectAccessible(page, 'module editor at 360 px');

  await page.locator('#save-draft').click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã lưu bản nháp.' })).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('Bài 1: tên bài')).toHaveValue('Bài mở đầu');
  await page.goto('/tap-huan/quan-ly');
  await expect(page.locator('#module-admin-list')).toContainText('học viên chưa thấy');
});

test('the administrator records attendance at the district conference and prints the sign-in sheet', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'quantri');
  await page.goto('/tap-huan/hoi-nghi');
  await waitForHydration(page);
  await expectAccessible(page, 'training sessions at 360 px');
  await page.locator('#session-list').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/tap-huan\/hoi-nghi\/\d+$/);
  await waitForHydration(page);
  await expectAccessible(page, 'a training session at 360 px');

  await expect(page.getByRole('link', { name: 'Xã hội học tập và mục tiêu của huyện' })).toHaveAttribute('href', /\/tap-huan\/\d+\/bai\/1$/);
  await page.locator('#attendee-paste').fill('Trần Thị Kiểm Thử\tXã Trà Phú\tPhó Chủ tịch Hội');
  await page.getByRole('button', { name: 'Thêm vào danh sách' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã thêm 1 đại biểu' })).toBeVisible();
  const row = page.locator('#attendee-list tr', { hasText: 'Trần Thị Kiểm Thử' });
  await expect(row).toContainText('Xã Trà Phú');
  await row.getByRole('checkbox', { name: 'Có mặt: Trần Thị Kiểm Thử' }).check();
  await expect(row).toContainText('Có mặt');
  await page.reload();
  await expect(page.locator('#attendee-list tr', { hasText: 'Trần Thị Kiểm Thử' }).getByRole('checkbox')).toBeChecked();

  await page.getByRole('link', { name: 'In danh sách ký tên' }).click();
  await expect(page).toHaveURL(/\/ky-ten$/);
  await expect(page.locator('table.sign-in-sheet')).toContainText('Trần Thị Kiểm Thử');
  await waitForHydration(page);
  await expectAccessible(page, 'sign-in sheet');
});
