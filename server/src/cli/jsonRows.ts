// `sessions --json` rows written as bytes: a listing of a million sessions is a hundred megabytes
// of output, and building it as strings (a JSON.stringify per key, then one UTF-8 encoding of the
// whole batch) was a third of the CLI's CPU. Keys are copied as the server sent them when they are
// plain printable ASCII (session ids always are); anything else goes through JSON.stringify.
import type { SessionInfo } from '../sessions/redis/index.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const ID = ascii('{"id":"');
const KEY = ascii('","key":"');
const TTL = ascii('","ttl":');
const SIZE = ascii(',"size":');
const SERIALIZER = ascii(',"serializer":');
const NULL = ascii('null');
const LOCKED = ascii(',"locked":true');
const UNLOCKED = ascii(',"locked":false');
const FRAMEWORK = ascii(',"framework":');
const END = ascii('}');
/** `"php"`, `"zstd"`…: one per name. */
const quoted = new Map<string, Uint8Array>();

/** True when the bytes can stand between JSON quotes as they are. */
function plainAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

export class JsonRowWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private readonly prefixBytes: number;

  constructor(prefix: string) {
    this.prefixBytes = Buffer.byteLength(prefix);
  }

  /** The bytes written since the last take. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(Math.max(1 << 16, this.len + (this.len >> 2)));
    this.len = 0;
    return out;
  }

  text(s: string): void {
    this.room(s.length * 3);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) this.buf[this.len++] = c;
      else {
        // Rare (a key that is not ASCII): encode what is left properly.
        this.len += this.buf.write(s.slice(i), this.len, 'utf8');
        return;
      }
    }
  }

  /** `{"id":…,"key":…,"ttl":…,"size":…,"serializer":…,"locked":…}`, then `"framework":…` for a framework's session. */
  row(s: SessionInfo, serializer: string | null, framework?: string): void {
    const key = s.keyBytes;
    this.room(2 * (key?.length ?? 0) + 128);
    if (key && plainAscii(key)) {
      this.bytes(ID);
      this.bytes(key.subarray(this.prefixBytes));
      this.bytes(KEY);
      this.bytes(key);
      this.bytes(TTL);
    } else {
      this.text(`{"id":${JSON.stringify(s.id)},"key":${JSON.stringify(s.key)},"ttl":`);
    }
    this.int(s.ttl);
    this.bytes(SIZE);
    this.int(s.size);
    this.bytes(SERIALIZER);
    if (serializer === null) this.bytes(NULL);
    else {
      let q = quoted.get(serializer);
      if (!q) quoted.set(serializer, (q = ascii(JSON.stringify(serializer))));
      this.bytes(q);
    }
    this.bytes(s.locked ? LOCKED : UNLOCKED);
    if (framework) {
      this.bytes(FRAMEWORK);
      this.text(JSON.stringify(framework));
    }
    this.bytes(END);
  }

  private int(n: number): void {
    if (n < 0 || n > 0xffffffff || !Number.isInteger(n)) {
      this.text(String(n));
      return;
    }
    // Digits right to left into their place.
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    for (let i = this.len + digits - 1, x = n; i >= this.len; i--, x = Math.floor(x / 10)) this.buf[i] = 48 + (x % 10);
    this.len += digits;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < b.length; i++) buf[at++] = b[i]!;
    this.len = at;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}
