// The ui pass's steps in the PHP Sessions view for what a new user meets in the first hour (issue
// #10): the password prompt, a filter and its Clear action, many sessions (count, Load more, sort,
// compact rows at the default width), a capped search, Server Info, Add / Edit / Make Writable /
// Remove on an added connection, the output channel.
import { AUTH_PASSWORD } from './redisSessions.mjs';
import {
  button,
  contextMenu,
  editorText,
  hidePanel,
  row,
  rowLabelled,
  runCommand,
  see,
  setExpanded,
  shot,
  sleep,
  textNow,
  widenSideBar,
} from './ui.mjs';
import { clearNotifications, quickInput, quickInputTitle, titleAction, toast } from './uiKit.mjs';

/** NOAUTH on expansion: the view asks for the password, and lists the sessions once it has it. */
export async function passwordStep(page, view, log) {
  const connection = await see(row(view, 'e2e redis (password)'), 'the password connection');
  await setExpanded(connection);
  const widget = await quickInput(page, 'the password prompt');
  const title = await quickInputTitle(page);
  const message = (await textNow(widget.locator('.quick-input-message'))).trim();
  if (!/Password for e2e redis \(password\)/.test(title) || !/NOAUTH Authentication required/.test(message))
    throw new Error(`UI: the prompt: "${title}" / "${message}"`);
  if (!(await widget.locator('input[type="password"]').count())) throw new Error('UI: the password is shown as typed');
  await widget.locator('input[type="password"]').fill(AUTH_PASSWORD);
  await page.keyboard.press('Enter');
  await see(
    view.locator('.monaco-list-row[aria-level="2"]', { hasText: 'e2e-php-alice' }),
    'the sessions after the password',
    30_000,
  );
  if (await view.locator('.monaco-list-row', { hasText: 'NOAUTH' }).count())
    throw new Error('UI: the NOAUTH row stays after the password');
  log(`password prompt: "${title}" — ${message}; the sessions are listed without Retry`);
  await setExpanded(row(view, 'e2e redis (password)'), false);
}

/** Filter by id prefix: shown on the connection's row, cleared by its inline action. */
export async function filterStep(page, view, log) {
  const ro = row(view, 'e2e redis (read-only)');
  await ro.hover();
  await (
    await see(ro.locator('.action-label[aria-label="Filter by Session Id Prefix…"]'), 'the filter action')
  ).click();
  const widget = await quickInput(page, 'the filter input');
  await widget.locator('input').first().fill('e2e-php');
  await page.keyboard.press('Enter');
  await setExpanded(ro);
  await see(ro.locator('.label-description', { hasText: 'filter: e2e-php*' }), 'the filter on the connection row');
  await see(row(view, 'e2e-php-alice'), 'the filtered session');
  await sleep(500);
  if (await row(view, 'e2e-serialize-bob').count()) throw new Error('UI: the filter lets bob through');
  const description = (await textNow(ro.locator('.label-description'))).trim();
  await ro.hover();
  await (await see(ro.locator('.action-label[aria-label="Clear Filter"]'), 'the Clear Filter action')).click();
  await see(row(view, 'e2e-serialize-bob'), 'every session after Clear Filter');
  if (/filter/.test(await textNow(ro.locator('.label-description'))))
    throw new Error('UI: the row still shows the filter');
  log(`filter: row "${description}", cleared by its inline action`);
  await setExpanded(ro, false);
}

/**
 * Many sessions: the count on the connection row (exact once counted), Load more saying how many,
 * compact ids leaving TTL and size in sight at the default width, Sort by size, a search that stops
 * at its cap and goes on.
 */
export async function manyStep(page, view, { log, outDir, redis }) {
  const name = `127.0.0.1:${redis.port}/1`;
  const many = await see(row(view, name), 'the connection named by its host and database');
  await setExpanded(many);
  // an estimate first (≈), the exact count once the background count is done
  await see(
    many.locator('.label-description', { hasText: /^\s*1,200 sessions · read-only/ }),
    'the exact count',
    60_000,
  );
  // the last row, after the 200 sessions: the keyboard's End in the tree
  await view.locator('.monaco-list').first().focus();
  await page.keyboard.press('End');
  const more = await see(row(view, 'Load 200 more…'), 'the Load more row');
  let moreText = '';
  for (let i = 0; i < 30 && !/200 of 1,200 loaded/.test(moreText); i++) {
    if (i) await sleep(200);
    moreText = (await more.innerText()).replace(/\s+/g, ' ');
  }
  if (!/200 of 1,200 loaded/.test(moreText)) throw new Error(`UI: Load more says "${moreText}"`);
  // sort by size, largest first (the view's title action; the pick typed into, as a person would,
  // and opened again if something took the focus from it before the choice)
  for (let attempt = 1; ; attempt++) {
    try {
      await (await see(titleAction(page, 'Sort Sessions…'), 'Sort Sessions…')).click();
      const input = (await quickInput(page, 'the sort pick')).locator('input').first();
      await input.fill('largest', { timeout: 5000 });
      await see(
        page.locator('.quick-input-list .monaco-list-row', { hasText: 'by size, largest first' }),
        'the order',
        5000,
      );
      await input.press('Enter', { timeout: 5000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      log(`(the sort pick closed before the choice: again, ${err.message.split('\n')[0]})`);
    }
  }
  await sleep(800);
  await view.locator('.monaco-list').first().focus();
  await page.keyboard.press('Home');
  await sleep(300);
  // the default side bar width (its edge at x = 350, as the workbench opened): each row's TTL and
  // size in sight next to its compact id
  await widenSideBar(page, 350);
  await sleep(500);
  const rows = view.locator('.monaco-list-row[aria-level="2"]');
  const sizes = [];
  for (let i = 0; i < 5; i++) {
    const r = rows.nth(i);
    const label = (await r.locator('.label-name').innerText()).trim();
    const desc = r.locator('.label-description');
    const text = (await desc.innerText()).trim();
    if (!/^[0-9a-f]{8}…[0-9a-f]{4}$/.test(label)) throw new Error(`UI: session row label "${label}"`);
    const rowBox = await r.boundingBox();
    const descBox = await desc.boundingBox();
    const visible = await desc.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    if (!rowBox || !descBox || descBox.x + descBox.width > rowBox.x + rowBox.width + 1 || !visible)
      throw new Error(`UI: "${text}" of ${label} is cut at the default width`);
    const m = /([\d.]+) (B|KB)/.exec(text);
    sizes.push(m ? Number(m[1]) * (m[2] === 'KB' ? 1024 : 1) : NaN);
  }
  if (sizes.some((x, i) => i > 0 && !(x <= sizes[i - 1])))
    throw new Error(`UI: not sorted by size: ${sizes.join(', ')}`);
  await shot(page, outDir, 'screenshot-browse.png', log);
  log(
    `many: "${(await many.locator('.label-description').innerText()).trim()}", "${moreText}", sizes ${sizes.join(' ≥ ')}`,
  );
  await widenSideBar(page, 470);
  // a search that stops at 500, then goes on (from the connection's context menu)
  await contextMenu(page, row(view, name), 'Find Sessions Containing Text…');
  await (await quickInput(page, 'the search input')).locator('input').first().fill('ROLE_USER');
  await page.keyboard.press('Enter');
  const titles = [];
  for (const want of [
    /^500\+ sessions contain "ROLE_USER" \(stopped at 500\)$/,
    /^1,000\+ sessions contain "ROLE_USER" \(stopped at 1,000\)$/,
    /^1,100 sessions contain "ROLE_USER"$/,
  ]) {
    let title = '';
    for (let i = 0; i < 100 && !want.test(title); i++) {
      await sleep(200);
      title = await quickInputTitle(page);
    }
    if (!want.test(title)) throw new Error(`UI: the search says "${title}", not ${want}`);
    titles.push(title);
    if (titles.length < 3) {
      await (
        await see(page.locator('.quick-input-list .monaco-list-row', { hasText: 'Find more' }), 'Find more')
      ).click();
    }
  }
  await page.keyboard.press('Escape');
  log(`search: ${titles.join(' → ')}`);
  await runCommand(page, 'PHP Redis Sessions: Sort Sessions…');
  await (
    await see(page.locator('.quick-input-list .monaco-list-row', { hasText: 'as listed by Redis' }), 'SCAN order')
  ).click();
  await setExpanded(row(view, name), false);
}

/** Show Server Info: a read-only editor, formatted; closing it asks nothing. */
export async function serverInfoStep(page, view, log) {
  await contextMenu(page, row(view, 'e2e redis (read-only)'), 'Show Server Info');
  const tab = await see(page.locator('.tab.active', { hasText: 'Server Info.ini' }), 'the Server Info tab');
  const text = await editorText(page);
  if (!/\[Server\]/.test(text) || !/redis_version\s+=/.test(text)) throw new Error(`UI: server info:\n${text}`);
  if (await tab.evaluate((el) => el.classList.contains('dirty'))) throw new Error('UI: the Server Info tab is dirty');
  await page.keyboard.press('Control+W');
  await sleep(1000);
  if (
    await page
      .locator('.monaco-dialog-box')
      .isVisible()
      .catch(() => false)
  )
    throw new Error('UI: closing Server Info asks something');
  if (await page.locator('.tab', { hasText: 'Server Info.ini' }).count())
    throw new Error('UI: Server Info is still open');
  log('Show Server Info: [Server] … redis_version = …, not dirty, closed without a question');
}

/**
 * Add Connection: named by its host, confirmed and shown; its tooltip says where it points; Delete
 * All on it (read-only) offers Make Writable; Edit renames it and switches it back; Remove.
 */
export async function addConnectionStep(page, view, { log, redis }) {
  await (await see(titleAction(page, 'Add Connection…'), 'Add Connection…')).click();
  let widget = await quickInput(page, 'the address input');
  await widget.locator('input').first().fill(`redis://127.0.0.1:${redis.port}/0`);
  await page.keyboard.press('Enter');
  await sleep(500);
  widget = await quickInput(page, 'the name input');
  const name = await widget.locator('input').first().inputValue();
  if (name !== `127.0.0.1:${redis.port}`) throw new Error(`UI: the default name is "${name}"`);
  await page.keyboard.press('Enter');
  const added = await toast(page, /Added "127\.0\.0\.1:\d+", read-only\./, 'the confirmation of Add Connection');
  const added1 = rowLabelled(view, name);
  await see(added1.and(view.locator('.monaco-list-row.selected')), 'the added connection, selected');
  await clearNotifications(page);
  await page.mouse.move(0, 0);
  await added1.locator('.label-name').hover();
  await sleep(300);
  await added1.locator('.label-name').hover({ position: { x: 10, y: 5 } });
  const tip = await see(
    page.locator('.monaco-hover, .workbench-hover', { hasText: 'Added with Add Connection' }),
    'its tooltip',
  );
  const tipText = (await tip.innerText()).replace(/\s+/g, ' ');
  if (!tipText.includes(`127.0.0.1:${redis.port}`) || !/database 0/.test(tipText))
    throw new Error(`UI: the tooltip: ${tipText}`);
  await page.mouse.move(0, 0);
  await clearNotifications(page);
  log(`Add Connection: "${name}" (${added.message}); tooltip: ${tipText}`);
  // Delete All on the read-only added connection: Make Writable from the message
  await runCommand(page, 'PHP Redis Sessions: Delete All Sessions of a Connection…');
  await (
    await see(
      page.locator('.quick-input-list .monaco-list-row').filter({
        has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*$`) }),
      }),
      'the connection pick',
    )
  ).click();
  const refused = await toast(page, /is read-only: make it writable to change its sessions/, 'the read-only message');
  await button(refused.toast, 'Make Writable').click();
  await toast(page, /is now writable: run the command again/, 'Make Writable done');
  await sleep(500);
  if (/read-only/.test(await textNow(rowLabelled(view, name).locator('.label-description'))))
    throw new Error('UI: still read-only after Make Writable');
  await clearNotifications(page);
  // Edit: the name, then the read-only switch
  await contextMenu(page, rowLabelled(view, name), 'Edit Connection…');
  await (await see(page.locator('.quick-input-list .monaco-list-row', { hasText: 'Name' }), 'the Name field')).click();
  widget = await quickInput(page, 'the name box');
  await widget.locator('input').first().fill('e2e added');
  await page.keyboard.press('Enter');
  const renamed = await see(row(view, 'e2e added'), 'the renamed connection');
  await contextMenu(page, renamed, 'Edit Connection…');
  await (
    await see(page.locator('.quick-input-list .monaco-list-row', { hasText: 'Writable' }), 'the read-only switch')
  ).click();
  await toast(page, /"e2e added" is now read-only/, 'the switch back to read-only');
  await see(row(view, 'e2e added').locator('.label-description', { hasText: 'read-only' }), 'read-only on the row');
  await clearNotifications(page);
  await contextMenu(page, row(view, 'e2e added'), 'Remove Connection…');
  const dialog = await see(page.locator('.monaco-dialog-box'), 'the Remove confirmation');
  await button(dialog, 'Remove').click();
  await row(view, 'e2e added').waitFor({ state: 'detached', timeout: 10_000 });
  log('Delete All on it: Make Writable; Edit: renamed "e2e added", switched back to read-only; removed');
}

/** The output channel: the NOAUTH and ECONNREFUSED failures, masked, never the password. */
export async function outputStep(page, view, log) {
  const down = await see(row(view, 'e2e redis (down)'), 'the connection to a server that is down');
  await setExpanded(down);
  await see(row(view, 'ECONNREFUSED'), 'the ECONNREFUSED row');
  await setExpanded(down, false);
  await runCommand(page, 'PHP Redis Sessions: Show Output');
  const output = await see(page.locator('.part.panel .view-lines'), 'the output channel');
  let text = '';
  for (let i = 0; i < 30 && !(/NOAUTH/.test(text) && /ECONNREFUSED/.test(text)); i++) {
    await sleep(300);
    // (the view wraps long lines: joined back)
    text = (await output.innerText()).replace(/\u00a0/g, ' ').replace(/\n/g, '');
  }
  if (
    !/e2e redis \(password\).*NOAUTH Authentication required/.test(text) ||
    !/e2e redis \(down\).*ECONNREFUSED/.test(text)
  )
    throw new Error(`UI: the output channel shows:\n${text}`);
  if (text.includes(AUTH_PASSWORD)) throw new Error('UI: the password is in the output channel');
  log('output channel: the NOAUTH and ECONNREFUSED lines, no password');
  await hidePanel(page);
}
