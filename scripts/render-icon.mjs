#!/usr/bin/env node
// Rasterizes images/icon.svg into images/icon.png (256×256, transparent corners) with Debian's
// chromium through playwright-core (no browser download). `npm run icon` after changing the SVG.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = fs.readFileSync(path.join(root, 'images', 'icon.svg'), 'utf8');
const size = 256;
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const { chromium } = await import('playwright-core');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prs-icon-'));
const browser = await chromium.launch({
  executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, TMPDIR: home },
});
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`)}</body></html>`,
  );
  const out = path.join(root, 'images', 'icon.png');
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(`${path.relative(root, out)}: ${fs.statSync(out).size} bytes`);
} finally {
  await browser.close();
  fs.rmSync(home, { recursive: true, force: true });
}
