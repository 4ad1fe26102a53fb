// Whether composer.json writes a key more than once. JSON.parse keeps the last of duplicate keys,
// jsonc-parser (and Composer's reading) the first: composer.ts reads a document with JSON.parse
// only where the keys it reads are written once. The keys it reads on every document are counted
// in one pass over the text; a key is counted where it is written as one (`"key":`), which can only
// count too many (then the tree reads the document), never too few. Keys that differ in case are
// different keys to both readers.

const WATCHED_KEYS = ['extra', 'paas', 'php-config', 'require', 'ext-redis', 'ext-igbinary', 'ext-msgpack'];
const WATCHED = new RegExp(`"(${WATCHED_KEYS.join('|')})"\\s*:`, 'g');

export class KeyCounts {
  private readonly counts = new Map<string, number>();

  /** `text` is strict JSON without \u escapes (a key spelled with one would not be seen). */
  constructor(private readonly text: string) {
    WATCHED.lastIndex = 0;
    for (let m = WATCHED.exec(text); m; m = WATCHED.exec(text)) {
      const key = m[1]!;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  /** `key` (written without escapes) is not duplicated anywhere in the document. */
  once(key: string): boolean {
    if (WATCHED_KEYS.includes(key)) return (this.counts.get(key) ?? 0) <= 1;
    // Any other key: `"key"` occurs at most once in the whole text.
    const quoted = `"${key}"`;
    const at = this.text.indexOf(quoted);
    return at < 0 || this.text.indexOf(quoted, at + quoted.length) < 0;
  }
}

/** Where the value of the (only) `"key":` starts to be written. */
export function afterKey(text: string, key: string): number {
  const m = new RegExp(`"${key}"\\s*:`).exec(text);
  return m ? m.index + m[0].length : -1;
}
