import { expect, test } from '@playwright/test';
import { expectAccessible, login, waitForHydration } from './helpers';

// Every page changed by issue 8 (the list pages' area filter, the list's "narrow it" answer),
// checked with axe-core against WCAG 2.1 A and AA, hydrated, at desktop width and at 360 px.

test('the sign-in page is accessible', async ({ page }) => {
  await page.goto('/dang-nhap');
  await waitForHydration(page);
  await expectAccessible(page, 'sign-in');
});

test('the registry list pages and their area filter are accessible', async ({ page }) => {
  await login(page, 'quantri');
  await expectAccessible(page, 'home');
  for (const [path, what] of [
    ['/ho-gia-dinh', 'household list'],
    ['/dong-ho', 'clan list'],
    ['/co-quan-don-vi', 'organisation list'],
    ['/nhat-ky', 'audit log'],
  ]) {
    await page.goto(path);
    await waitForHydration(page);
    await expect(page.locator('#unit')).toBeVisible();
    await expectAccessible(page, what);
  }

  // Drill down: choose a district, search, and the filter offers its communes.
  await page.goto('/ho-gia-dinh');
  await waitForHydration(page);
  await page.locator('#unit').selectOption({ label: 'Huyện Trà Bồng' });
  await page.getByRole('button', { name: 'Tìm' }).click();
  await expect(page).toHaveURL(/unit=\d+/);
  await expect(page.locator('#unit optgroup[label="Trong Huyện Trà Bồng"] option', { hasText: 'Xã Trà Bình' })).toBeAttached();
  await expect(page.locator('#unit option:checked')).toContainText('Huyện Trà Bồng');
  await expectAccessible(page, 'household list within a district');

  // Paging too deep is answered with a way to narrow the list.
  await page.goto('/ho-gia-dinh?page=1000');
  await waitForHydration(page);
  await expect(page.getByText(/Hãy tìm theo tên/)).toBeVisible();
  await expectAccessible(page, 'household list paged too deep');
});

test('the household list is accessible at 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'canbo.trabinh');
  await page.goto('/ho-gia-dinh');
  await waitForHydration(page);
  await expectAccessible(page, 'household list at 360 px');
  await page.goto('/ho-gia-dinh/moi');
  await waitForHydration(page);
  await expectAccessible(page, 'new household form at 360 px');
});
