// The README the .vsix carries (the Marketplace and Open VSX page): the repository's README
// without its opening block of developer commands, which readers of the extension page do not need.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, '.cache', 'marketplace', 'README.md');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const stripped = readme.replace(/<!-- dev:start -->[\s\S]*?<!-- dev:end -->\n*/, '');
if (stripped === readme) throw new Error('README.md has no <!-- dev:start --> … <!-- dev:end --> block');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, stripped);
console.log(`marketplace README: ${out}`);
