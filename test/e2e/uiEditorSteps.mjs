// The ui pass's steps in the editor for what a new user meets in the first hour (issue #10): the
// Problems panel before any file is open (workspace diagnostics), Test connection from the code lens
// (a save_path PHP cannot use, one read from .env, one kept from the fix), Convert a Redis URL… and
// its clipboard, the ${SCALINGO_REDIS_URL} fix that keeps the password out of the file.
import { AUTH_PASSWORD } from './redisSessions.mjs';
import { button, editorText, hidePanel, runCommand, see, shot, sleep } from './ui.mjs';
import { clearNotifications, clickLens, openFile, quickInput, quickInputTitle, toast } from './uiKit.mjs';

/** Workspace diagnostics: before any file is opened, the Problems panel lists a broken php.ini. */
export async function workspaceProblemsStep(page, log) {
  await page.keyboard.press('Control+Shift+M');
  const resource = await see(
    page.locator('.markers-panel .monaco-list-row', { hasText: 'php.ini' }).filter({ hasText: 'closed' }),
    'closed/php.ini in the Problems panel before any file is open',
    60_000,
  );
  if ((await page.locator('.editor-instance').count()) > 0 && (await page.locator('.tab').count()) > 0)
    throw new Error('UI: a file is already open: the Problems rows must come from the workspace pass');
  log(`Problems before opening any file: ${(await resource.innerText()).replace(/\s+/g, ' ')}`);
  await hidePanel(page);
}

/**
 * Test connection on composer.json's redis:// save_path: PHP cannot use it, with the reason; the
 * server tested anyway, the result first.
 */
export async function testConnectionLensStep(page, { log, outDir }) {
  await clickLens(page, 'Test connection');
  const blocked = await toast(page, /PHP cannot use this session\.save_path/, 'the "PHP cannot use" notification');
  if (!/phpredis cannot connect to a redis:\/\/ URL/.test(blocked.message))
    throw new Error(`UI: the reason is not given: ${blocked.message}`);
  await sleep(300);
  await shot(page, outDir, 'screenshot-test-connection.png', log);
  log(`Test connection: ${blocked.message}`);
  await button(blocked.toast, 'Test the Server Anyway').click();
  const result = await toast(page, /— redis:\/\/127\.0\.0\.1:6379\/2/, 'the result of testing the server anyway');
  if (/^redis:/.test(result.message)) throw new Error(`UI: the result does not come first: ${result.message}`);
  log(`Test the Server Anyway: ${result.message}`);
  await clearNotifications(page);
}

/** ${REDIS_SESSION_PATH} with its value in env-app/.env: the lens tests what PHP would get. */
export async function envLensStep(page, log) {
  await openFile(page, 'env-app', 'composer.json');
  await clickLens(page, 'Test connection');
  const ok = await toast(page, /PHP can use it/, 'the result of Test connection on ${REDIS_SESSION_PATH}');
  if (
    !/^PHP can use it: Redis [\d.]+ \(standalone\), 6 sessions, [\d.]+ ms — tcp:\/\/127\.0\.0\.1:\d+/.test(ok.message)
  )
    throw new Error(`UI: Test connection says: ${ok.message}`);
  log(`env-app (value from .env): ${ok.message}`);
  await clearNotifications(page);
}

/**
 * The palette's Convert a Redis URL…: what was pasted shows as typed; the line is on the clipboard
 * (checked there), its password masked in the message, which offers to keep the password out.
 */
export async function convertPaletteStep(page, { log, baseUrl }) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  await runCommand(page, 'PHP Redis Sessions: Convert a Redis URL to a session.save_path…');
  const widget = await quickInput(page, 'the Redis URL input');
  if (await widget.locator('input[type="password"]').count())
    throw new Error('UI: the Redis URL input hides what is typed');
  const url = 'redis://:pw-visible-1@127.0.0.1:6380/3';
  await widget.locator('input').first().fill(url);
  if ((await widget.locator('input').first().inputValue()) !== url)
    throw new Error('UI: the input does not show the URL');
  await page.keyboard.press('Enter');
  const done = await toast(page, /Copied the session\.save_path line/, 'the conversion message');
  const line = "session.save_path = 'tcp://127.0.0.1:6380?auth=pw-visible-1&database=3&timeout=2.5'";
  if (!done.message.includes(line.replace('pw-visible-1', '***')) || done.message.includes('pw-visible-1'))
    throw new Error(`UI: the message is not the masked line: ${done.message}`);
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  if (clip !== line) throw new Error(`UI: the clipboard holds ${JSON.stringify(clip)}`);
  log(`Convert a Redis URL…: ${done.message} (the clipboard holds the line)`);
  await button(done.toast, 'Keep the Password Out…').click();
  const offer = await toast(page, /REDIS_SESSION_PATH where PHP runs/, 'the offer to keep the password out');
  log(`Keep the Password Out…: ${offer.message}`);
  await clearNotifications(page);
  await page.context().clearPermissions();
}

/**
 * ${SCALINGO_REDIS_URL}: the fix writes "${REDIS_SESSION_PATH}" (no password in the file), offers
 * the value and the platform's command; the refused clipboard hands the text over in a box; the
 * lens then tests the value kept in the secret storage.
 */
export async function convertFixStep(page, { log, outDir, redis }) {
  await openFile(page, 'scalingo', 'composer.json');
  await see(page.locator('.editor-instance .squiggly-error'), 'the redis-url-env squiggle', 60_000);
  // the cursor on the variable, then the light bulb
  const word = await see(
    page.locator('.editor-instance .view-line span', { hasText: 'SCALINGO_REDIS_URL' }).last(),
    'the ${SCALINGO_REDIS_URL} text',
  );
  await word.click();
  await sleep(500);
  await page.keyboard.press('Control+.');
  const action = await see(
    page.locator('.action-widget .monaco-list-row', { hasText: 'Convert a Redis URL to a save_path' }),
    'the Convert action',
  );
  // Enter applies the focused action (VS Code 1.100 puts a pointer block over the menu at first)
  for (let i = 0; i < 5 && !(await action.evaluate((el) => el.classList.contains('focused'))); i++)
    await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const widget = await quickInput(page, 'the Redis URL input of the fix');
  const url = `redis://default:${AUTH_PASSWORD}@127.0.0.1:${redis.authPort}`;
  await widget.locator('input').first().fill(url);
  await page.keyboard.press('Enter');
  const offer = await toast(page, /now reads \$\{REDIS_SESSION_PATH\}/, 'the offer of the value and the commands');
  const masked = `tcp://127.0.0.1:${redis.authPort}?auth=***&timeout=2.5`;
  if (!offer.message.includes(masked) || offer.message.includes(AUTH_PASSWORD))
    throw new Error(`UI: the message: ${offer.message}`);
  let text = await editorText(page);
  for (let i = 0; i < 20 && !text.includes('${REDIS_SESSION_PATH}'); i++) {
    await sleep(200);
    text = await editorText(page);
  }
  if (!text.includes('"session.save_path = \\"${REDIS_SESSION_PATH}\\""') || text.includes(AUTH_PASSWORD))
    throw new Error(`UI: the file reads:\n${text}`);
  await hidePanel(page);
  await sleep(300);
  await shot(page, outDir, 'screenshot-convert.png', log);
  log(`fix: the file reads "\${REDIS_SESSION_PATH}"; ${offer.message}`);
  // the command line: copied and said so; in a browser that refused the clipboard, shown to copy by hand
  await button(offer.toast, 'Copy scalingo env-set').click();
  const copied = await toast(page, /Copied the scalingo command/, 'the copy of the scalingo command');
  if (copied.message.includes(AUTH_PASSWORD)) throw new Error(`UI: the message shows the password: ${copied.message}`);
  await button(copied.toast, 'Not There? Show It').click();
  const box = await quickInput(page, 'the text to copy by hand');
  const title = await quickInputTitle(page);
  const value = await box.locator('input').first().inputValue();
  const expected = `scalingo env-set 'REDIS_SESSION_PATH=tcp://127.0.0.1:${redis.authPort}?auth=${AUTH_PASSWORD}&timeout=2.5'`;
  if (value !== expected)
    throw new Error(`UI: the text to copy: "${title}", ${JSON.stringify(value.replace(AUTH_PASSWORD, '***'))}`);
  log(`${copied.message}; "Not There? Show It": "${title}", the command line selected to copy by hand`);
  await page.keyboard.press('Escape');
  await clearNotifications(page);
  // no password in the file: no hardcoded-credentials (an information squiggle)
  if (await page.locator('.editor-instance .squiggly-info').count())
    throw new Error('UI: an information squiggle (hardcoded-credentials?) after the fix');
  // the lens finds the value in the secret storage (the server wants that password)
  await clickLens(page, 'Test connection');
  const ok = await toast(page, /PHP can use it/, 'Test connection with the value kept from the fix');
  log(`scalingo after the fix: ${ok.message}`);
  await clearNotifications(page);
}
