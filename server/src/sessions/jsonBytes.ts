// JSON text written as UTF-8 bytes into one growing buffer: what canonical JSON is made of. PHP
// strings are bytes, so a valid UTF-8 string is escaped and copied in one pass without ever
// becoming a JavaScript string (decoding each string and JSON.stringify-ing it, then encoding the
// whole text again, cost as much as decoding the session). Escapes are JSON.stringify's, plus
// U+2028/U+2029 as PHP's json_encode writes them.

const QUOTE = 0x22;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';
/** The two-character escapes JSON.stringify uses; other controls are \u00XX. */
const SHORT_ESCAPES: Record<number, number> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };

/**
 * The buffer writers start in, made once: a fresh 64 KiB buffer per value was a tenth of the time
 * of printing small sessions. Writers do not overlap (each is filled, then read, synchronously);
 * one that outgrows it moves to its own buffer.
 */
const START = Buffer.allocUnsafe(1 << 16);

export class JsonBytes {
  private buf: Buffer = START;
  len = 0;

  /** The text written, as bytes (the caller's own; a view of a buffer only this writer used). */
  bytes(): Buffer {
    if (this.buf !== START) return this.buf.subarray(0, this.len);
    const own = Buffer.allocUnsafe(this.len);
    START.copy(own, 0, 0, this.len);
    return own;
  }

  /** A copy of the bytes written at [start, end). */
  copy(start: number, end: number): Buffer {
    return Buffer.from(this.buf.subarray(start, end));
  }

  toString(): string {
    return this.buf.toString('utf8', 0, this.len);
  }

  /** ASCII text that needs no escaping (punctuation, numbers, indentation). */
  ascii(s: string): void {
    this.room(s.length);
    const b = this.buf;
    let at = this.len;
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
    this.len = at;
  }

  /** One ASCII byte. */
  byte(c: number): void {
    if (this.len === this.buf.length) this.room(1);
    this.buf[this.len++] = c;
  }

  /** A newline and `n` spaces (indentation). */
  newline(n: number): void {
    this.room(n + 1);
    const b = this.buf;
    let at = this.len;
    b[at++] = 0x0a;
    for (const end = at + n; at < end;) b[at++] = 0x20;
    this.len = at;
  }

  /**
   * A float with at most two decimals (prices, rounded figures) as PHP's json_encode prints it,
   * without a string: k/100 is then the double nearest that decimal, so the decimal with trailing
   * zeros dropped is the shortest round-trip form (serialize_precision -1) and ".0" stays on an
   * integral value. False, with nothing written, for any other float.
   */
  cents(v: number): boolean {
    const k = Math.round(v * 100);
    if (k / 100 !== v || v === 0 || k >= 1e15 || k <= -1e15) return false;
    this.room(20);
    const b = this.buf;
    let a = k;
    if (a < 0) {
      b[this.len++] = 0x2d;
      a = -a;
    }
    const frac = a % 100;
    this.integerDigits((a - frac) / 100);
    b[this.len++] = 0x2e;
    b[this.len++] = 0x30 + Math.floor(frac / 10);
    if (frac % 10 !== 0) b[this.len++] = 0x30 + (frac % 10);
    return true;
  }

  /** An integer's decimal digits (no string made for the common safe ones). */
  integer(v: bigint): void {
    if (v > MAX_SAFE || v < -MAX_SAFE) {
      this.ascii(v.toString());
      return;
    }
    this.integerNumber(Number(v));
  }

  /** A safe integer's decimal digits. */
  integerNumber(n: number): void {
    this.room(17);
    if (n < 0) {
      this.buf[this.len++] = 0x2d;
      n = -n;
    }
    this.integerDigits(n);
  }

  /** A non-negative safe integer's digits (room already made). */
  private integerDigits(n: number): void {
    const b = this.buf;
    let digits = 1;
    for (let p = 10; p <= n && digits < 16; p *= 10) digits++;
    let at = this.len + digits;
    this.len = at;
    do {
      const q = Math.floor(n / 10);
      b[--at] = 0x30 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  /** Bytes as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    if (bytes.length > 32) this.buf.set(bytes, this.len);
    else for (let i = 0; i < bytes.length; i++) this.buf[this.len + i] = bytes[i]!;
    this.len += bytes.length;
  }

  /** A JavaScript string as a JSON string (JSON.stringify's escapes, and U+2028/U+2029). */
  string(s: string): void {
    this.room(s.length + 2);
    const b = this.buf;
    let at = this.len;
    b[at++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        // Anything but plain ASCII: the general way, for the rest of the string.
        this.len = at;
        this.slowString(s.slice(i));
        return;
      }
      b[at++] = c;
    }
    b[at++] = QUOTE;
    this.len = at;
  }

  private slowString(rest: string): void {
    const j = JSON.stringify(rest).slice(1);
    const text = j.includes('\u2028') || j.includes('\u2029') ? j.replace(/[\u2028\u2029]/g, escapeLineSeparator) : j;
    this.room(text.length * 3);
    this.len += this.buf.write(text, this.len, 'utf8');
  }

  /**
   * `bytes[start, end)` as a JSON string when they are valid UTF-8 (PHP's json_encode rules:
   * no overlong forms, no surrogates, nothing past U+10FFFF); false, with nothing written, when
   * they are not.
   */
  utf8String(bytes: Uint8Array, start: number, end: number): boolean {
    this.room(6 * (end - start) + 2);
    const b = this.buf;
    const mark = this.len;
    let at = mark;
    b[at++] = QUOTE;
    let i = start;
    while (i < end) {
      const c = bytes[i]!;
      if (c < 0x80) {
        i++;
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
          b[at++] = c;
          continue;
        }
        b[at++] = BACKSLASH;
        const short = c === QUOTE || c === BACKSLASH ? c : SHORT_ESCAPES[c];
        if (short !== undefined) b[at++] = short;
        else {
          b[at++] = 0x75; // u00XX
          b[at++] = 0x30;
          b[at++] = 0x30;
          b[at++] = HEX.charCodeAt(c >> 4);
          b[at++] = HEX.charCodeAt(c & 15);
        }
        continue;
      }
      // A multi-byte sequence, checked as phpValue.ts's isValidUtf8 does.
      let n: number;
      if (c < 0xc2) return false;
      if (c < 0xe0) n = 2;
      else if (c < 0xf0) n = 3;
      else if (c < 0xf5) n = 4;
      else return false;
      if (i + n > end) return false;
      const c1 = bytes[i + 1]!;
      if ((c1 & 0xc0) !== 0x80) return false;
      if (n >= 3) {
        if ((bytes[i + 2]! & 0xc0) !== 0x80) return false;
        if (n === 3 && ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f))) return false;
        if (n === 4) {
          if ((bytes[i + 3]! & 0xc0) !== 0x80) return false;
          if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return false;
        }
      }
      if (c === 0xe2 && c1 === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9)) {
        // U+2028, U+2029
        for (const e of bytes[i + 2] === 0xa8 ? LS : PS) b[at++] = e;
      } else for (let k = 0; k < n; k++) b[at++] = bytes[i + k]!;
      i += n;
    }
    b[at++] = QUOTE;
    this.len = at;
    return true;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}

const LS = Buffer.from('\\u2028', 'latin1');
const PS = Buffer.from('\\u2029', 'latin1');

function escapeLineSeparator(c: string): string {
  return c === '\u2028' ? '\\u2028' : '\\u2029';
}
