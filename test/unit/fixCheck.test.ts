// Fixes in documents PHP cannot read whole are checked by applying them (server/src/core/fixCheck.ts).
// The documents are ones the fuzz layer found, where a fix written for well-formed lines left its
// finding in place or wrote text PHP refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/core/applyFixes.ts';
import { lint } from '../../server/src/core/lint.ts';
import type { Finding } from '../../server/src/core/types.ts';

const GARBLED = [
  // An earlier line's quote runs on: "Quote the value" on the `==` line cannot end PHP's error.
  '\tredis.session.locking_enabled = \'1440\' ; comment\nredis.session.compression= \'gzip\n\tsession.cookie_secure : 9999EDIS_HOS99999999\nsession.save_handler == "Redis";x\nsession.use_strict_mode="?@"_G9 # hash\nsession.gc_maxlifetime == "true\n\tredis.session.lock_expire : "${R99999999T}"\nse}ssion.save_handler\t=\t"phpredis\nsession.name ="${REDIS_PASSWORD}" # hash',
  // The save_path's quote is closed only by the next line's: a handler line added below it is swallowed.
  "session.save_path = 'tcp://127.0.0.1:6379?auth=x&\nsession.save_handler = '${REDIS_URL}'",
];

/** The fixes whose finding (same rule and message) is as often there after them as before. */
function ineffective(text: string, findings: Finding[]): string[] {
  const out: string[] = [];
  for (const f of findings)
    for (const x of f.fixes) {
      if (!x.edits.length) continue;
      const after = lint(applyEdits(text, x.edits), 'php.ini');
      const n = (list: Finding[]): number => list.filter((g) => g.rule === f.rule && g.message === f.message).length;
      if (n(after) >= n(findings)) out.push(`${f.rule}: ${x.title}`);
    }
  return out;
}

test('in a document PHP cannot read whole, every fix offered removes its finding', () => {
  let unchecked = 0;
  for (const text of GARBLED) {
    const findings = lint(text, 'php.ini');
    assert.ok(
      findings.some((f) => f.rule === 'ini-syntax'),
      'the document has a syntax finding',
    );
    assert.deepEqual(ineffective(text, findings), [], text);
    // The same lint without the check offers fixes that do not do their job: the check is what removes them.
    unchecked += ineffective(text, lint(text, 'php.ini', { checkFixes: false })).length;
  }
  assert.ok(unchecked > 0);
});

test('a document PHP reads whole keeps its fixes unchecked (nothing to re-lint)', () => {
  const text = 'session.save_handler = redis\nsession.save_path = "tcp://127.0.0.1:6379?auth=x;y"\n';
  const a = lint(text, 'php.ini');
  const b = lint(text, 'php.ini', { checkFixes: false });
  assert.ok(!a.some((f) => f.rule === 'ini-syntax'));
  assert.deepEqual(a, b);
});
