// Page-level parts of the end-to-end runs (playwright-core on the code-server workbench):
//   uiPass        a person's session: Ctrl+P composer.json, the squiggle and the Problems row, a
//                 quick fix from the light bulb (Ctrl+. then Enter), the PHP Sessions view and its
//                 rows, an opened session, Delete through its confirmation dialog on the writable
//                 connection and absent on the read-only one, Developer: Show Running Extensions;
//                 screenshots of the steps
//   untrustedUiPass  Workspace Trust on: the confirmation before connecting to a server that only
//                 the workspace's files name (Cancel, then Connect)
// (A VS Code that runs extension tests declines modal dialogs by itself: the runs that click them
// load no test suite.)
//   updateReadmeScreenshots  copies the screenshots to images/ and lists them in README.md
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './install.mjs';
import {
  convertFixStep,
  convertPaletteStep,
  envLensStep,
  testConnectionLensStep,
  workspaceProblemsStep,
} from './uiEditorSteps.mjs';
import { addConnectionStep, filterStep, manyStep, outputStep, passwordStep, serverInfoStep } from './uiViewSteps.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The screenshots the ui pass saves, in README order: file name -> caption. */
export const SCREENSHOTS = {
  'screenshot-diagnostics.png':
    "A misspelled save handler and a redis:// URL in composer.json: squiggles, the hover, and the Problems panel with the workspace's other configuration files, linted without being opened",
  'screenshot-quickfix.png': 'The light bulb (Ctrl+.) offers the fix; Enter applies it',
  'screenshot-sessions.png': 'The PHP Sessions view: sessions PHP wrote, with TTL, size and lock, one decoded',
  'screenshot-test-connection.png':
    'Test connection tests the save_path as PHP would use it, and says why PHP cannot use a redis:// URL',
  'screenshot-convert.png':
    'A redis:// variable converted: the file reads ${REDIS_SESSION_PATH}, the value and the platform command are offered',
  'screenshot-browse.png':
    'Many sessions: the exact count on the connection row, sorted by size, compact ids with TTL and size in sight',
  'screenshot-report.png':
    'The session health report: serializers, sizes and TTLs as charts, the stuck lock a killed PHP request left, each finding linked to its session',
};

/** Waits for a locator, with the step's name in the error. */
export async function see(locator, what, timeout = 30_000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    throw new Error(`UI: did not see ${what} within ${timeout / 1000} s (${err.message.split('\n')[0]})`);
  }
  return locator.first();
}

export async function shot(page, outDir, name, log, clip) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, ...(clip ? { clip } : {}) });
  log(`screenshot ${path.relative(REPO_ROOT, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KB)`);
  return file;
}

export const ACTIVITY_ENTRY =
  '.activitybar .action-item a[aria-label*="PHP Sessions"], .activitybar .action-item[aria-label*="PHP Sessions"]';

export function sessionsView(page) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /PHP Sessions/i }) });
}

/** A tree row by (part of) its label. */
export function row(view, text) {
  return view.locator('.monaco-list-row', { hasText: text }).first();
}

export function button(container, label) {
  return container
    .locator('.monaco-button')
    .filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
    .first();
}

/** A tree row by its exact label (not its description). */
export function rowLabelled(view, label) {
  return view
    .locator('.monaco-list-row')
    .filter({ has: view.page().locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
    .first();
}

/** Expands (open = true) or collapses a tree row, whatever its state was. */
export async function setExpanded(rowLocator, open = true) {
  if ((await rowLocator.getAttribute('aria-expanded')) === String(open)) return;
  await rowLocator.locator('.monaco-tl-twistie').first().click();
  for (let i = 0; i < 50 && (await rowLocator.getAttribute('aria-expanded')) !== String(open); i++) await sleep(100);
}

/** Drags the side bar's edge to x (room for the session rows' TTL, size and lock). */
export async function widenSideBar(page, x) {
  const bar = await page.locator('.part.sidebar').first().boundingBox();
  if (!bar) return;
  const edge = bar.x + bar.width;
  // the sash on the side bar's right edge
  const sashes = page.locator('.monaco-sash.vertical');
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (!box || Math.abs(box.x + box.width / 2 - edge) > 6 || box.height < bar.height / 2) continue;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(x, y, { steps: 8 });
    await page.mouse.up();
    return;
  }
}

/** The text of the first match, or '' at once when there is none (no auto-wait). */
export async function textNow(locator) {
  return (await locator.count()) ? locator.first().innerText() : '';
}

/** Hides the bottom panel (Problems…). */
export async function hidePanel(page) {
  const close = page
    .locator('.part.panel .action-label.codicon-panel-close, .part.panel .action-label.codicon-close')
    .first();
  if (await close.isVisible().catch(() => false)) await close.click();
}

/** Opens a row's context menu; returns its item labels, and clicks `pick` if given (else closes it). */
export async function contextMenu(page, rowLocator, pick) {
  await rowLocator.click({ button: 'right' });
  const menu = await see(page.locator('.context-view .monaco-menu'), 'the context menu');
  const items = (await menu.locator('.action-item .action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  if (pick) {
    if (!items.includes(pick)) throw new Error(`UI: the context menu has no "${pick}": ${items.join(' | ')}`);
    // (a click right after the menu opened can be taken for the end of the right click: use the keyboard)
    await menu.locator('.action-item', { hasText: pick }).first().hover();
    await sleep(200);
    await page.keyboard.press('Enter');
  } else {
    await page.keyboard.press('Escape');
  }
  return items;
}

/** Moves the mouse over each error squiggle until `hover` shows; returns that point. */
async function pointAtSquiggle(page, hover, count) {
  for (let i = 0; i < count; i++) {
    const box = await page.locator('.editor-instance .squiggly-error').nth(i).boundingBox();
    if (!box) continue;
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(0, 0);
    await page.mouse.move(point.x, point.y);
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 5000 });
      return point;
    } catch {}
  }
  throw new Error('UI: no squiggle shows the "reddis" hover');
}

/** Runs a command from the palette by its title. */
export async function runCommand(page, title) {
  const palette = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  if (!(await palette.first().isVisible())) {
    // focus may sit in an overlay that ate the key: once more
    await sleep(500);
    if (!(await palette.first().isVisible())) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
    }
  }
  const input = await see(palette, 'the command palette', 10_000);
  await input.fill(`>${title}`);
  await see(page.locator('.quick-input-list .monaco-list-row', { hasText: title }), `the command "${title}"`);
  await page.keyboard.press('Enter');
}

/** The text of the visible editor lines (Monaco renders nbsp for spaces). */
export async function editorText(page) {
  return (await page.locator('.editor-instance .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

/** The frame of the report webview (VS Code nests the page in two iframes). */
async function reportFrame(page, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        await frame
          .locator('body[data-report="ready"]')
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await sleep(250);
  }
  throw new Error(`UI: the session health report did not show within ${timeout / 1000} s`);
}

const FIGURES = ['sessions', 'withoutExpiry', 'locksWithoutExpiry', 'lockOnly', 'undecodable', 'unreadableByPhp'];

async function reportStep(page, { log, outDir, redisPort }) {
  // Plant what the report is for: a leak (no TTL) and a lock a dead request left (no TTL).
  const cli = (...args) => spawnSync('redis-cli', ['-p', String(redisPort), ...args], { encoding: 'utf8' });
  cli('PERSIST', 'PHPREDIS_SESSION:e2e-serialize-bob');
  cli('SET', 'PHPREDIS_SESSION:e2e-igbinary-carol_LOCK', 'web-3|4242');
  const title = 'Show Session Health Report';
  // (the view is alone in its container: its title actions are in the side bar's title)
  const action = await see(page.locator(`.part.sidebar .action-label[aria-label*="${title}"]`), 'the report action');
  await action.click();
  const pick = await see(
    page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e redis (writable)' }),
    'the connection pick of the report',
  );
  await pick.click();
  const frame = await reportFrame(page);
  const shown = {};
  for (const f of FIGURES) shown[f] = Number(await frame.locator(`[data-figure="${f}"]`).first().innerText());
  const report = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'dist', 'cli.js'), 'report', `redis://127.0.0.1:${redisPort}/0`, '--json'],
    { encoding: 'utf8' },
  );
  if (report.status !== 0) throw new Error(`UI: php-redis-sessions report failed: ${report.stderr}`);
  const json = JSON.parse(report.stdout);
  const expected = Object.fromEntries(FIGURES.map((f) => [f, json[f]]));
  if (JSON.stringify(shown) !== JSON.stringify(expected))
    throw new Error(`UI: the report shows ${JSON.stringify(shown)}, the CLI says ${JSON.stringify(expected)}`);
  const charts = await frame.locator('svg.chart').count();
  if (charts < 4) throw new Error(`UI: the report shows ${charts} charts`);
  if (shown.withoutExpiry !== 1 || shown.locksWithoutExpiry !== 1)
    throw new Error(`UI: the planted leak and stuck lock are not both shown: ${JSON.stringify(shown)}`);
  log(`report: ${JSON.stringify(shown)}, ${charts} charts, the same as the CLI's`);
  await page.keyboard.press('Control+B').catch(() => {}); // the side bar away: room for the page
  await sleep(800);
  await shot(page, outDir, 'screenshot-report.png', log);
  await page.keyboard.press('Control+B').catch(() => {});
  // Release the stuck lock from the page: a confirmation, then the report runs again without it.
  await frame.locator('#locksWithoutExpiry button[data-command="releaseLock"]').first().click();
  const dialog = await see(page.locator('.monaco-dialog-box'), 'the release confirmation');
  const message = (await dialog.innerText()).replace(/\s+/g, ' ');
  if (!/Release the lock of session e2e-igbinary-carol \(web-3\|4242\)\?/.test(message))
    throw new Error(`UI: the dialog says: ${message}`);
  await button(dialog, 'Release Lock').click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  const deadline = Date.now() + 20_000;
  let after = -1;
  while (Date.now() < deadline) {
    const f = await reportFrame(page);
    after = Number(
      await f
        .locator('[data-figure="locksWithoutExpiry"]')
        .first()
        .innerText()
        .catch(() => '-1'),
    );
    if (after === 0) break;
    await sleep(300);
  }
  if (after !== 0) throw new Error(`UI: after the release the report still shows ${after} stuck locks`);
  if (cli('EXISTS', 'PHPREDIS_SESSION:e2e-igbinary-carol_LOCK').stdout.trim() !== '0')
    throw new Error('UI: the lock key is still there');
  log('Release lock… from the report: confirmed, the lock is gone and the report shows none');
  const again = await reportFrame(page);
  const open = again.locator('#withoutExpiry a[data-command="open"]').first();
  const linked = await open.innerText();
  await open.click();
  await see(page.locator('.tab', { hasText: `${linked}.json` }), 'the session a finding links to');
  log(`the leak's link opened ${linked}.json`);
}

/**
 * laravel-shop/.env opened from quick open shows its warning squiggle (ext-redis missing); the
 * connection the project names lists the sessions Laravel 8 wrote, and one expands into Laravel's
 * reading of it (who, from where, the CSRF token) before the application's own variables.
 */
async function frameworkStep(page, { log, outDir, view }) {
  await page.keyboard.press('Control+P');
  const input = await see(page.locator('.quick-input-widget input'), 'quick open');
  await input.fill('laravel-shop/.env');
  await see(page.locator('.quick-input-list .monaco-list-row', { hasText: '.env' }), '.env in quick open');
  await sleep(500);
  await page.keyboard.press('Enter');
  await see(page.locator('.tab.active', { hasText: '.env' }), 'the laravel-shop/.env tab');
  await see(page.locator('.editor-instance .squiggly-warning'), 'the warning squiggle on SESSION_DRIVER=redis', 60_000);
  log('laravel-shop/.env: the ext-redis warning squiggle');
  const connection = await see(row(view, 'laravel-shop/.env'), 'the connection laravel-shop/.env names');
  if (!/Laravel/.test(await connection.innerText()))
    throw new Error(`UI: the connection row says: ${await connection.innerText()}`);
  await setExpanded(connection);
  const session = await see(
    // (a 40-character id is shown shortened: its first 8 and last 4 characters)
    view.locator('.monaco-list-row', { hasText: /[A-Za-z0-9]{8}…[A-Za-z0-9]{4}/ }),
    'the sessions Laravel wrote',
    30_000,
  );
  await setExpanded(session);
  const summary = await see(
    view.locator('.monaco-list-row', {
      hasText: /Laravel · (user 42 \(web\)|guest) · from https:\/\/shop\.test\/cart/,
    }),
    "Laravel's summary of the session",
  );
  await see(rowLabelled(view, 'CSRF token'), 'the CSRF token row');
  await see(rowLabelled(view, 'cart'), "the application's own variable");
  await sleep(300);
  await shot(page, outDir, 'laravel-session.png', log);
  log(`a Laravel session in the view: ${(await summary.innerText()).replace(/\s+/g, ' ')}`);
  await setExpanded(connection, false);
}

/**
 * A person's pass over the workbench. Resolves { metrics }; throws at the first step that does not
 * show what it should.
 */
export async function uiPass(page, info) {
  try {
    return await uiSteps(page, info);
  } catch (err) {
    await shot(page, info.outDir, 'failure-ui.png', info.log).catch(() => {});
    throw err;
  }
}

async function uiSteps(page, { log: print, outDir, version, redis, baseUrl, redisPort }) {
  const metrics = {};
  const t0 = Date.now();
  const log = (msg) => print(`(+${((Date.now() - t0) / 1000).toFixed(1)} s) ${msg}`);
  await see(page.locator('.monaco-workbench'), 'the workbench', 60_000);
  await see(page.locator(ACTIVITY_ENTRY), 'the PHP Sessions activity bar entry', 60_000);

  // 0. before any file is opened, the Problems panel lists the workspace's broken php.ini
  await workspaceProblemsStep(page, log);

  // 1. Ctrl+P composer.json: the one at the workspace root
  await page
    .locator('.monaco-workbench')
    .first()
    .click({ position: { x: 600, y: 5 } })
    .catch(() => {});
  await page.keyboard.press('Control+P');
  const input = await see(page.locator('.quick-input-widget input'), 'quick open');
  await input.fill('composer.json');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await see(rows, 'composer.json in quick open');
  await sleep(500); // let the file search finish ranking
  const n = await rows.count();
  let picked = false;
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    // (read both at once: a locator on a missing .label-description would wait for it)
    const { label, description } = await row.evaluate((el) => ({
      label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
    }));
    // the root file's description is the folder itself (no sub-folder)
    if (
      label === 'composer.json' &&
      !/(^|[/\\])(app|legacy|broken|cluster|env-app|scalingo|laravel-shop|symfony-shop)$/.test(description)
    ) {
      await row.click();
      picked = true;
      break;
    }
  }
  if (!picked) throw new Error('UI: quick open offered no root composer.json');
  await see(page.locator('.tab.active', { hasText: 'composer.json' }), 'the composer.json tab');

  // 2. the squiggles, and the hover of the one under "reddis"
  await see(page.locator('.editor-instance .squiggly-error'), 'an error squiggle', 60_000);
  await sleep(1000); // the rest of the diagnostics
  const squiggles = await page.locator('.editor-instance .squiggly-error').count();
  log(
    `${squiggles} error squiggles, ${await page.locator('.editor-instance .squiggly-warning').count()} warning squiggles in composer.json`,
  );
  const hover = page.locator('.monaco-hover, .monaco-resizable-hover').filter({ hasText: 'reddis' });
  // (squiggles are drawn under the text layer: point the mouse at them rather than "hover" the element)
  const squiggle = await pointAtSquiggle(page, hover, squiggles);

  // 3. the Problems panel and its rows
  await page.keyboard.press('Control+Shift+M');
  const problem = await see(
    page.locator('.markers-panel .monaco-list-row', { hasText: 'reddis' }),
    'the unknown-save-handler row in Problems',
  );
  await see(
    page.locator('.markers-panel .monaco-list-row', { hasText: 'reddis' }).filter({ hasText: 'unknown-save-handler' }),
    'the rule id in the Problems row',
  );
  await page.mouse.move(0, 0);
  await sleep(300);
  await page.mouse.move(squiggle.x, squiggle.y);
  await see(hover, 'the diagnostic hover again');
  await sleep(300);
  await shot(page, outDir, 'screenshot-diagnostics.png', log);

  // 4. the quick fix from the light bulb: go to the problem (click its row), Ctrl+., Enter
  await problem.click();
  await sleep(300);
  await problem.dblclick(); // moves the cursor onto the range and focuses the editor
  await sleep(500);
  await page.keyboard.press('Control+.');
  const action = await see(
    page.locator('.action-widget .monaco-list-row, .context-view .action-widget .action-item', {
      hasText: 'Replace with "redis"',
    }),
    'the quick fix "Replace with "redis""',
  );
  await action.hover({ timeout: 2000 }).catch(() => {});
  await shot(page, outDir, 'screenshot-quickfix.png', log);
  // the fix is the first (preferred) item: Enter applies the focused one
  const focusedText = await textNow(page.locator('.action-widget .monaco-list-row.focused'));
  if (!/Replace with "redis"/.test(focusedText)) await action.click();
  else await page.keyboard.press('Enter');
  let fixed = false;
  for (let i = 0; i < 50 && !fixed; i++) {
    fixed = /"session\.save_handler = redis"/.test(await editorText(page));
    if (!fixed) await sleep(200);
  }
  if (!fixed) throw new Error(`UI: the quick fix did not change the line:\n${await editorText(page)}`);
  // its Problems row goes away
  // (the workspace's other files have their own unknown-save-handler rows: this one is reddis's)
  await page
    .locator('.markers-panel .monaco-list-row', { hasText: 'reddis' })
    .filter({ hasText: 'unknown-save-handler' })
    .first()
    .waitFor({ state: 'detached', timeout: 20_000 });
  log('quick fix applied from the light bulb: "session.save_handler = redis"; its problem is gone');

  // 4b. the code lens tests the save_path as PHP would use it; Redis URLs converted without a password in the file
  await hidePanel(page);
  await testConnectionLensStep(page, { log, outDir });
  await convertPaletteStep(page, { log, baseUrl });
  await envLensStep(page, log);
  await convertFixStep(page, { log, outDir, redis });

  // 5. the PHP Sessions view: expand the read-only connection, see the sessions PHP wrote, open one
  await hidePanel(page); // room for the tree and the session
  await page.locator(ACTIVITY_ENTRY).first().click();
  await widenSideBar(page, 470);
  const view = sessionsView(page);
  const ro = await see(row(view, 'e2e redis (read-only)'), 'the read-only connection row');
  await setExpanded(ro);
  await see(row(view, 'e2e-php-alice'), 'the session rows', 30_000);
  const count = await view.locator('.monaco-list-row', { hasText: /e2e-/ }).count();
  log(`the PHP Sessions view lists ${count} sessions`);
  if (count < 6) throw new Error(`UI: only ${count} session rows`);
  await see(row(view, 'e2e-locked-frank').filter({ hasText: 'locked' }), 'the locked session');
  await row(view, 'e2e-php-alice').click(); // opens it (the item's command) and selects it
  await see(page.locator('.tab.active', { hasText: 'e2e-php-alice.json' }), 'the opened session');
  if (!/"name": "Alice"/.test(await editorText(page)))
    throw new Error(`UI: the session editor shows:\n${await editorText(page)}`);
  await setExpanded(row(view, 'e2e-php-alice'));
  await see(rowLabelled(view, 'cart'), 'the decoded variables');
  await setExpanded(rowLabelled(view, 'user'));
  await see(rowLabelled(view, 'name'), 'the decoded user');
  await sleep(500);
  await shot(page, outDir, 'screenshot-sessions.png', log);

  // read-only: a session's context menu has no Delete
  const menu = await contextMenu(page, row(view, 'e2e-delete-me'));
  if (menu.includes('Delete Session…'))
    throw new Error(`UI: the read-only session's menu offers Delete: ${menu.join(' | ')}`);
  if (!menu.includes('Open Session')) throw new Error(`UI: the session menu: ${menu.join(' | ')}`);
  log(`read-only session menu: ${menu.join(' | ')}`);
  await setExpanded(row(view, 'e2e redis (read-only)'), false); // one row per session id below

  // writable: Delete Session… from the context menu, confirmed in the modal dialog
  await setExpanded(row(view, 'e2e redis (writable)'));
  const victim = await see(row(view, 'e2e-delete-me'), 'the sessions of the writable connection', 30_000);
  const rwMenu = await contextMenu(page, victim, 'Delete Session…');
  log(`writable session menu: ${rwMenu.join(' | ')}`);
  const dialog = await see(page.locator('.monaco-dialog-box'), 'the delete confirmation');
  const message = (await dialog.innerText()).replace(/\s+/g, ' ');
  if (!/Delete session e2e-delete-me\?/.test(message)) throw new Error(`UI: the dialog says: ${message}`);
  await button(dialog, 'Delete').click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await row(view, 'e2e-delete-me').waitFor({ state: 'detached', timeout: 20_000 });
  log('Delete Session… on the writable connection: confirmed in the dialog, the row is gone');

  // 6. the session health report: the view's title action, the writable connection, the webview;
  //    its figures are the CLI's for the same server
  await reportStep(page, { log, outDir, redisPort });

  // 6b. (the side bar back) a password asked for, a filter, many sessions, INFO, an added
  //     connection, the output channel
  if (!(await page.locator('.part.sidebar').isVisible())) await page.keyboard.press('Control+B');
  await see(view.locator('.monaco-list-row').first(), 'the PHP Sessions view again');
  await setExpanded(row(view, 'e2e redis (writable)'), false);
  await passwordStep(page, view, log);
  await filterStep(page, view, log);
  await manyStep(page, view, { log, outDir, redis });
  await serverInfoStep(page, view, log);
  await addConnectionStep(page, view, { log, redis });
  await outputStep(page, view, log);

  // 7. a Laravel project: its .env's warning squiggle, its sessions in the view as Laravel sees them
  await frameworkStep(page, { log, outDir, view });

  // 8. activation time as VS Code measures it (Developer: Show Running Extensions)
  try {
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = await see(
      page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'PHP Redis Sessions' }),
      'our row in Running Extensions',
      20_000,
    );
    const time = (await textNow(row.locator('.activation-time'))).trim();
    metrics.runningExtensions = time || (await row.innerText()).replace(/\s+/g, ' ');
    log(`Running Extensions: PHP Redis Sessions ${metrics.runningExtensions}`);
  } catch (err) {
    log(`(Running Extensions not read: ${err.message})`);
  }
  // (VS Code 1.139 shows it as a modal editor: Escape closes it)
  await page.keyboard.press('Escape');
  // 9. the walkthrough (Welcome: Open Walkthrough…): its four steps
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const pick = await see(page.locator('.quick-input-widget input'), 'the walkthrough picker');
  await pick.fill('PHP Redis Sessions');
  await see(
    page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with PHP Redis Sessions' }),
    'our walkthrough in the picker',
  );
  await page.keyboard.press('Enter');
  const walkthrough = await see(page.locator('.gettingStartedContainer'), 'the walkthrough page');
  for (const step of ['Connect to Redis', 'Open composer.json', 'Apply a fix', 'Browse the sessions']) {
    const shown = await see(
      walkthrough.locator('.getting-started-step', { hasText: step }),
      `the walkthrough step "${step}"`,
    );
    await shown.click(); // (a step shows its description once selected)
    await sleep(300);
    const text = await shown.innerText();
    if (text.includes('`')) throw new Error(`UI: the walkthrough step "${step}" shows backticks: ${text}`);
  }
  log('walkthrough: Connect to Redis → Open composer.json → Apply a fix → Browse the sessions');

  log(`ui pass on ${version} done`);
  return { metrics };
}

/**
 * Workspace Trust on, the folder untrusted: expanding the connection that only app/composer.json
 * names asks first. Cancel leaves it unconnected; after Refresh, Connect lists the sessions.
 */
export async function untrustedUiPass(page, info) {
  try {
    return await untrustedUiSteps(page, info);
  } catch (err) {
    await shot(page, info.outDir, 'failure-untrusted-ui.png', info.log).catch(() => {});
    throw err;
  }
}

async function untrustedUiSteps(page, { log }) {
  await see(page.locator('.monaco-workbench'), 'the workbench', 60_000);
  await see(page.locator(ACTIVITY_ENTRY), 'the PHP Sessions activity bar entry', 60_000);
  await page.locator(ACTIVITY_ENTRY).first().click();
  const view = sessionsView(page);
  // (by its whole label: env-app/composer.json contains the text too)
  const connection = await see(
    rowLabelled(view, 'app/composer.json'),
    'the connection app/composer.json names',
    30_000,
  );
  await setExpanded(connection);
  let dialog = await see(page.locator('.monaco-dialog-box'), 'the confirmation before connecting');
  const message = (await dialog.innerText()).replace(/\s+/g, ' ');
  if (
    !/This workspace is not trusted\. Connect to the Redis server its app\/composer\.json names \(tcp:\/\/127\.0\.0\.1:\d+\)\?/.test(
      message,
    )
  ) {
    throw new Error(`UI: the dialog says: ${message}`);
  }
  log(`dialog: ${message}`);
  await button(dialog, 'Cancel').click();
  await see(row(view, 'Not connected'), 'the "Not connected" row after Cancel');
  if ((await view.locator('.monaco-list-row', { hasText: /e2e-/ }).count()) > 0)
    throw new Error('UI: sessions listed after Cancel');
  log('Cancel: not connected');
  // ask again (Refresh), and connect
  await runCommand(page, 'PHP Redis Sessions: Refresh');
  dialog = await see(page.locator('.monaco-dialog-box'), 'the confirmation again after Refresh');
  await button(dialog, 'Connect').click();
  await see(row(view, 'e2e-php-alice'), 'the sessions after Connect', 30_000);
  log('Connect: the sessions are listed');
  return { metrics: {} };
}

/** Copies the ui pass's screenshots to images/ and lists them in README.md between its markers. */
export function updateReadmeScreenshots(fromDir, log = () => {}) {
  const names = Object.keys(SCREENSHOTS).filter((n) => fs.existsSync(path.join(fromDir, n)));
  for (const n of names) fs.copyFileSync(path.join(fromDir, n), path.join(REPO_ROOT, 'images', n));
  const block = [
    '<!-- screenshots:start -->',
    ...names.map((n) => `![${SCREENSHOTS[n]}](images/${n})`),
    '<sub>Taken by the end-to-end UI pass (`npm run screenshots`, test/e2e/ui.mjs) in VS Code 1.139 served by code-server, with sessions that PHP wrote into a test redis-server.</sub>',
    '<!-- screenshots:end -->',
  ];
  const readme = path.join(REPO_ROOT, 'README.md');
  // re-read right before writing: README.md is edited by others too
  const text = fs.readFileSync(readme, 'utf8');
  let next;
  const between = /<!-- screenshots:start -->[\s\S]*?<!-- screenshots:end -->/;
  if (between.test(text)) {
    next = text.replace(between, block.join('\n\n'));
  } else {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.trim() === '<!-- intro:end -->');
    if (at < 0) throw new Error('README.md has neither screenshot markers nor <!-- intro:end -->');
    lines.splice(at + 1, 0, '', block.join('\n\n'));
    next = lines.join('\n');
  }
  fs.writeFileSync(readme, next);
  log(`images/: ${names.join(', ')}; README.md lists them between the screenshots markers`);
}
