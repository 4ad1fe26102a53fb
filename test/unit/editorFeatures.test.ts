// Hover and completion as the editor asks for them, on a parsed document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completions } from '../../server/src/core/completion.ts';
import { parseDocument } from '../../server/src/core/document.ts';
import { hover } from '../../server/src/core/hover.ts';

/** The document with `|` removed, and the cursor offset where it stood. */
function at(textWithCursor: string): { text: string; offset: number } {
  const offset = textWithCursor.indexOf('|');
  return { text: textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset };
}

const hoverAt = (s: string, kind: 'ini' | 'composer' = 'ini') => {
  const { text, offset } = at(s);
  return hover(parseDocument(text, kind), offset);
};
const completeAt = (s: string, kind: 'ini' | 'composer' = 'ini') => {
  const { text, offset } = at(s);
  return completions(parseDocument(text, kind), offset);
};

test('hover on ${VAR} says PHP expands it; on a Redis URL variable as the save_path, why that fails', () => {
  const h = hoverAt('session.save_path = "${SCALINGO_RE|DIS_URL}"\n');
  assert.ok(h);
  assert.match(h.markdown, /environment variable `SCALINGO_REDIS_URL`/);
  assert.match(h.markdown, /redis:\/\/` URL, which phpredis cannot use/);
  assert.doesNotMatch(h.markdown, /ignores the parameter/);
  const plain = hoverAt('session.save_path = "${REDIS_SESS|ION_PATH}"\n');
  assert.ok(plain);
  assert.doesNotMatch(plain.markdown, /cannot use/);
  const fallback = hoverAt('session.save_path = "${REDIS_SESS|ION_PATH:-tcp://127.0.0.1:6379}"\n');
  assert.match(fallback!.markdown, /PHP ≥ 8\.3: `tcp:\/\/127\.0\.0\.1:6379` when it is unset/);
  const single = hoverAt("session.save_path = '${REDIS_SESS|ION_PATH}'\n");
  assert.match(single!.markdown, /single quotes: PHP keeps it as written/);
});

test('hover inside a JSON string maps back to the document (composer.json)', () => {
  const h = hoverAt('{"extra":{"paas":{"php-config":["session.save_path = \\"${REDIS_U|RL}\\""]}}}\n', 'composer');
  assert.ok(h);
  const { text } = at('{"extra":{"paas":{"php-config":["session.save_path = \\"${REDIS_U|RL}\\""]}}}\n');
  assert.equal(text.slice(h.start, h.end), '${REDIS_URL}');
});

test('hover on a misspelled handler adds nothing to its diagnostic; a known one is explained', () => {
  assert.equal(hoverAt('session.save_handler = red|dis\n'), undefined);
  assert.match(hoverAt('session.save_handler = red|is\n')!.markdown, /phpredis/);
});

test('completing a directive that has values inserts "name = " and opens the value list again', () => {
  const items = completeAt('session.seri|');
  const ser = items.find((c) => c.label === 'session.serialize_handler')!;
  assert.equal(ser.insertText, 'session.serialize_handler = ');
  assert.equal(ser.retrigger, true);
  const name = items.find((c) => c.label === 'session.name')!;
  assert.equal(name.retrigger, undefined, 'no list to open for a free value');
  const values = completeAt('session.serialize_handler = |');
  assert.ok(values.some((c) => c.label === 'igbinary'));
});

test('save_path parameters already given are not offered again (seed[] and stream[] may repeat)', () => {
  const labels = (s: string) => completeAt(s).map((c) => c.label);
  const redis = labels("session.save_path = 'tcp://h:6379?auth=x&timeout=2.5&|'\n");
  assert.ok(!redis.includes('auth') && !redis.includes('timeout'), redis.join());
  assert.ok(redis.includes('database') && redis.includes('stream'));
  // Another server of the pool has its own parameters.
  const pool = labels("session.save_path = 'tcp://a:1?timeout=1, tcp://b:2?|'\n");
  assert.ok(pool.includes('timeout'));
  // The key being typed is not "already given".
  assert.ok(labels("session.save_path = 'tcp://h:6379?timeout=1&au|'\n").includes('auth'));
  const cluster = labels("session.save_path = 'seed[]=a:1&seed[]=b:2&timeout=1&|'\n");
  assert.ok(cluster.includes('seed') && !cluster.includes('timeout'), cluster.join());
});
