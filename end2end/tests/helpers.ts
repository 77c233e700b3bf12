import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'khuyenhoc2026';

/** Signs in through the form and waits for the home page. */
export async function login(page: Page, username: string) {
  await page.goto('/dang-nhap');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Xin chào');
}

/** Waits until the WebAssembly app has hydrated the page (the body gets event handlers). */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => (window as any).__khHydrated === true, null, { timeout: 30_000 });
}

/** The value of an option in a unit picker, chosen by its group (parent) and its label. */
export async function unitOptionValue(page: Page, selectId: string, group: string, label: string) {
  const option = page.locator(`#${selectId} optgroup[label="${group}"] option`, { hasText: label }).first();
  await expect(option).toBeAttached();
  return (await option.getAttribute('value')) as string;
}
