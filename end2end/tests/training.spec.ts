import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expectAccessible, login, unitOptionValue, waitForHydration } from './helpers';

// Training at 360 px: a trainee reads a lesson, fails the quiz, retakes it and passes; an
// officer without the scoring module is told why she cannot submit. Every page is checked with
// axe-core (WCAG 2.1 A and AA).

type Question = { prompt: string; options: { text: string; correct: boolean }[] };

/** The shipped bank of a module, read from the repository's seed file: the browser never gets
 * the key, so the test brings its own. */
function bank(folder: string): Question[] {
  const file = path.join(__dirname, '../../app/src/features/training/seed', folder, 'module.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).questions;
}

/** Answers every question of the attempt on the page, right or wrong, and waits until the
 * server has saved each one. */
async function answerAll(page: Page, questions: Question[], right: boolean) {
  const fieldsets = page.locator('fieldset.quiz-question');
  await expect(fieldsets.first()).toBeVisible();
  const count = await fieldsets.count();
  for (let i = 0; i < count; i++) {
    const fieldset = fieldsets.nth(i);
    const legend = (await fieldset.locator('legend').innerText()).trim();
    const question = questions.find((q) => legend.endsWith(q.prompt));
    expect(question, `question "${legend}" is in the bank`).toBeTruthy();
    const wanted = right
      ? question!.options.filter((o) => o.correct)
      : [question!.options.find((o) => !o.correct)!];
    for (const option of wanted) {
      await fieldset.locator('label.quiz-option', { hasText: option.text }).first().locator('input').check();
    }
    await expect(fieldset.locator('.save-state')).toHaveText('Đã lưu', { timeout: 15_000 });
  }
}

test('a trainee reads a lesson, fails the quiz, retakes it and passes, at 360 px', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'hocvien');
  await expect(page.getByRole('heading', { name: 'Tập huấn của tôi' })).toBeVisible();
  await waitForHydration(page);
  await expectAccessible(page, 'trainee home at 360 px');

  await page.goto('/tap-huan');
  await waitForHydration(page);
  await expectAccessible(page, 'training modules at 360 px');
  await page.getByRole('link', { name: 'Bắt đầu học' }).first().click();
  await expect(page).toHaveURL(/\/tap-huan\/\d+\/bai\/1$/);
  const moduleId = page.url().match(/tap-huan\/(\d+)/)![1];
  await waitForHydration(page);
  await expect(page.locator('.lesson-body p').first()).toBeVisible();
  await expectAccessible(page, 'lesson at 360 px');

  await page.getByRole('link', { name: 'Bản in (A4)' }).click();
  await expect(page).toHaveURL(/\/ban-in$/);
  await waitForHydration(page);
  await expectAccessible(page, 'lesson print view');

  // Straight to the quiz; fail it first.
  const questions = bank('1-xa-hoi-hoc-tap');
  await page.goto(`/tap-huan/${moduleId}/kiem-tra`);
  await waitForHydration(page);
  await expectAccessible(page, 'quiz rules');
  await page.getByRole('button', { name: 'Bắt đầu làm bài' }).click();
  await answerAll(page, questions, false);
  await expectAccessible(page, 'quiz attempt at 360 px');

  // A reload resumes the same attempt with its saved answers.
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator('fieldset.quiz-question input:checked')).toHaveCount(
    await page.locator('fieldset.quiz-question').count(),
  );
  await page.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(page).toHaveURL(/\/tap-huan\/ket-qua\/\d+$/);
  await waitForHydration(page);
  await expect(page.getByText('Chưa đạt.')).toBeVisible();
  await expect(page.locator('.explanation').first()).toBeVisible();
  await expectAccessible(page, 'failed result with explanations');

  // Retake and pass.
  await page.getByRole('link', { name: 'Làm lại bài kiểm tra' }).click();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Bắt đầu làm bài' }).click();
  await answerAll(page, questions, true);
  await page.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(page).toHaveURL(/\/tap-huan\/ket-qua\/\d+$/);
  await expect(page.getByText('Đạt — bạn đã hoàn thành học phần.')).toBeVisible();
  await waitForHydration(page);
  await expectAccessible(page, 'passed result');

  // The certificate, and its public verification.
  await page.getByRole('link', { name: 'Xem và in chứng nhận' }).click();
  await expect(page.locator('article.certificate')).toContainText('Đinh Văn Sáu');
  await waitForHydration(page);
  await expectAccessible(page, 'training certificate');
  const code = (await page.locator('.cert-verify strong').innerText()).trim();
  await page.goto(`/xac-minh/${code}`);
  await expect(page.getByRole('heading', { name: 'Chứng nhận tập huấn hợp lệ' })).toBeVisible();
  await waitForHydration(page);
  await expectAccessible(page, 'training certificate verified');

  await page.goto('/tap-huan');
  await expect(page.locator('.module-card').first()).toContainText('Đã hoàn thành');
});

test('an officer without the scoring module is told why she cannot submit an evaluation', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const year = new Date().getFullYear();
  await login(page, 'canbo.trabui');
  await page.goto(`/dang-ky?year=${year}&title=household`);
  await waitForHydration(page);
  const village = await unitOptionValue(page, 'unit', 'Xã Trà Bùi', 'Thôn 1');
  await page.goto(`/dang-ky?year=${year}&title=household&unit=${village}`);
  await waitForHydration(page);
  const box = page.locator('#candidates input[type=checkbox]:not([disabled])').first();
  const boxId = await box.getAttribute('id');
  const name = (await page.locator(`label[for="${boxId}"]`).innerText()).trim();
  await box.check();
  await page.locator('#register-selected').click();
  await expect(page.getByText(/Đã đăng ký 1/)).toBeVisible();
  const row = page.locator('#registrations tr', { hasText: name });
  await row.getByRole('button', { name: 'Chấm điểm' }).or(row.getByRole('link', { name: 'Chấm điểm' })).first().click();
  await expect(page).toHaveURL(/\/danh-gia\/\d+$/);
  await waitForHydration(page);
  const notice = page.getByRole('note').filter({ hasText: 'Chấm điểm các danh hiệu' });
  await expect(notice).toContainText('Chấm điểm các danh hiệu');
  await expect(notice.getByRole('link', { name: 'Học ngay' })).toHaveAttribute('href', /\/tap-huan\/\d+\/bai\/1/);
  await expectAccessible(page, 'evaluation form of an untrained officer at 360 px');
  // The server refuses the submit itself, with the same reason.
  await page.getByRole('button', { name: 'Gửi duyệt' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Chấm điểm các danh hiệu' })).toBeVisible();
});

test('the leader sees a trainee complete a module without reloading the progress page', async ({ browser }) => {
  test.setTimeout(120_000);
  const leaderContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const leader = await leaderContext.newPage();
  await login(leader, 'lanhdao');
  await leader.goto('/tap-huan/tien-do');
  await waitForHydration(leader);
  await expectAccessible(leader, 'training progress at 360 px');
  // Drill down to the district's communes, and back by the breadcrumb.
  const row = leader.locator('tbody tr', { hasText: 'Xã Trà Bùi' });
  await expect(row).toContainText(/Cần thêm \d+ cán bộ/);
  const cell = leader.locator('tbody tr', { hasText: 'Xã Trà Bùi' }).locator('td').nth(4);
  const before = Number((await cell.innerText()).trim());

  // An officer of Trà Bùi passes the scoring module in another browser.
  const officerContext = await browser.newContext();
  const officer = await officerContext.newPage();
  await login(officer, 'canbo.trabui');
  await officer.goto('/tap-huan');
  await waitForHydration(officer);
  const card = officer.locator('.module-card', { hasText: 'Chấm điểm các danh hiệu' });
  const quizHref = (await card.getByRole('link').first().getAttribute('href'))!.replace(/bai\/\d+$/, 'kiem-tra');
  await officer.goto(quizHref);
  await waitForHydration(officer);
  await officer.getByRole('button', { name: 'Bắt đầu làm bài' }).click();
  await answerAll(officer, bank('2-cham-diem-danh-hieu'), true);
  await officer.getByRole('button', { name: 'Nộp bài' }).click();
  await expect(officer.getByText('Đạt — bạn đã hoàn thành học phần.')).toBeVisible();

  // The leader's open page shows it within one refresh, without a reload.
  await expect(cell).toHaveText(String(before + 1), { timeout: 25_000 });
  await leader.locator('tbody tr', { hasText: 'Xã Trà Bình' }).getByRole('link').click();
  await expect(leader).toHaveURL(/tien-do\?unit=\d+/);
  await expect(leader.getByRole('heading', { level: 2 })).toHaveText('Xã Trà Bình');
  await leader.getByRole('navigation', { name: 'Địa bàn' }).getByRole('link', { name: 'Huyện Trà Bồng' }).click();
  await expect(leader.getByRole('heading', { level: 2 })).toHaveText('Huyện Trà Bồng');
  await leaderContext.close();
  await officerContext.close();
});
