// A JSON string literal's decoded text, with the document offset of every decoded UTF-16 unit,
// so a span inside the decoded text maps to an exact span of the document (escapes included).

export interface DecodedJsonString {
  value: string;
  /** offsets[i] = document offset where decoded unit i starts; offsets[value.length] = closing quote. */
  offsets: number[];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Decodes the literal found at `literal` (quotes included) that starts at `docOffset`.
 * Invalid escapes are kept verbatim: the JSON error is reported elsewhere, linting goes on.
 */
export function decodeJsonString(literal: string, docOffset: number): DecodedJsonString {
  let value = '';
  const offsets: number[] = [];
  const last = literal.endsWith('"') && literal.length >= 2 ? literal.length - 1 : literal.length;
  let i = literal.startsWith('"') ? 1 : 0;
  while (i < last) {
    const ch = literal[i];
    if (ch === '\\' && i + 1 < last) {
      const esc = literal[i + 1];
      const simple = SIMPLE_ESCAPES[esc];
      if (simple !== undefined) {
        offsets.push(docOffset + i);
        value += simple;
        i += 2;
        continue;
      }
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(literal.slice(i + 2, i + 6))) {
        offsets.push(docOffset + i);
        value += String.fromCharCode(parseInt(literal.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
    }
    offsets.push(docOffset + i);
    value += ch;
    i++;
  }
  offsets.push(docOffset + last);
  return { value, offsets };
}

/** The body (without quotes) of the JSON literal that encodes `text`. Non-ASCII stays readable. */
export function encodeJsonStringBody(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
