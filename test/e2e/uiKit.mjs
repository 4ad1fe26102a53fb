// Helpers of the ui pass's first-hour steps (uiEditorSteps.mjs, uiViewSteps.mjs): notifications
// (a toast, or the notifications center where VS Code shows no toast), the quick input, opening a
// file with Ctrl+P, code lenses, the view's title actions.
import { runCommand, see, sleep, textNow } from './ui.mjs';

/**
 * A notification whose text matches `re`: its toast, or (VS Code 1.139 in a headless browser shows
 * no toasts) its row in the notifications center, opened as a person would from the status bar's
 * bell. Returns the element (its buttons are inside) and its message.
 */
export async function toast(page, re, what, timeout = 30_000) {
  const inToast = page.locator('.notifications-toasts .notification-toast', { hasText: re });
  const inCenter = page.locator('.notifications-center .notification-list-item', { hasText: re });
  const deadline = Date.now() + timeout;
  let found;
  while (!found && Date.now() < deadline) {
    if (
      await inToast
        .first()
        .isVisible()
        .catch(() => false)
    )
      found = inToast.first();
    else if (
      await inCenter
        .first()
        .isVisible()
        .catch(() => false)
    )
      found = inCenter.first();
    else {
      if (!(await page.locator('.notifications-center.visible').count())) {
        const bell = page.locator('#status\\.notifications .statusbar-item-label');
        if (await bell.isVisible().catch(() => false)) {
          await bell.click();
          // (away from the bell: its tooltip would cover the notification's buttons)
          await page.mouse.move(640, 760);
        }
      }
      await sleep(300);
    }
  }
  if (!found) throw new Error(`UI: did not see ${what} within ${timeout / 1000} s`);
  const message = (await found.locator('.notification-list-item-message').first().innerText())
    .replace(/\s+/g, ' ')
    .trim();
  return { toast: found, message };
}

export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await sleep(300);
  if (await page.locator('.notifications-center.visible').count())
    await runCommand(page, 'Notifications: Hide Notifications');
}

/** The quick input box (input boxes and quick picks) once it shows. */
export async function quickInput(page, what) {
  return see(page.locator('.quick-input-widget'), what, 15_000);
}

export async function quickInputTitle(page) {
  return (await textNow(page.locator('.quick-input-widget .quick-input-title'))).trim();
}

/** Opens a workspace file with Ctrl+P, picking the row whose folder is `folder`. */
export async function openFile(page, folder, name) {
  await page.keyboard.press('Control+P');
  const input = await see(page.locator('.quick-input-widget input'), 'quick open');
  await input.fill(`${folder}/${name}`);
  const rowLocator = page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .filter({ has: page.locator('.label-description', { hasText: folder }) });
  await (await see(rowLocator, `${folder}/${name} in quick open`)).click();
  await see(page.locator('.tab.active', { hasText: name }), `the ${name} tab`);
}

/** An action of the view's title (the view is alone in its container: its actions are in the side bar's title). */
export function titleAction(page, label) {
  return page.locator(
    `.part.sidebar .title-actions .action-label[aria-label^="${label}"], .part.sidebar .pane-header .action-label[aria-label^="${label}"]`,
  );
}

/** Clicks a code lens of the active editor by its title. */
export async function clickLens(page, title) {
  const lens = await see(
    page.locator('.editor-instance .codelens-decoration a', { hasText: title }),
    `the "${title}" code lens`,
    60_000,
  );
  await lens.click();
}
