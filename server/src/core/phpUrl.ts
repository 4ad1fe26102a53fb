// A faithful port of PHP's php_url_parse_ex2() (php-src ext/standard/url.c), the parser behind
// parse_url() and phpredis's session.save_path handling. It works on UTF-16 code units: every
// delimiter PHP looks at is ASCII, so positions map 1:1; the two places where PHP counts bytes
// (the 5-byte port buffer, the `file:///c:` drive check) are handled explicitly.

import { strToBin } from './phpQuery.ts';
import type { Span } from './span.ts';

export type { Span };

export type PhpUrlComponent = 'scheme' | 'user' | 'pass' | 'host' | 'port' | 'path' | 'query' | 'fragment';

/** parse_url()'s array: a key is present exactly when PHP sets it. */
export interface PhpUrl {
  scheme?: string;
  user?: string;
  pass?: string;
  host?: string;
  port?: number;
  path?: string;
  query?: string;
  fragment?: string;
  /** Where each present component sits in the input (the port span covers the port text). */
  spans: Partial<Record<PhpUrlComponent, Span>>;
}

type StrComponent = Exclude<PhpUrlComponent, 'port'>;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** php_replace_controlchars: iscntrl() bytes (C locale: 0-31, 127) become '_'. */
export function phpReplaceControlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, '_');
}

/** C strtol(buf, &end, 10) on PHP's 5-byte port buffer: value, or null when no digit was consumed. */
function cStrtol(buf: string): number | null {
  const nul = buf.indexOf('\0');
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(nul < 0 ? buf : buf.slice(0, nul));
  if (!m) return null;
  const v = Number(m[2]);
  return m[1] === '-' && v !== 0 ? -v : v;
}

/** strcspn-like: first index in [s, e) of any char of `chars`, else e. */
function cspn(str: string, s: number, e: number, chars: string): number {
  for (let i = s; i < e; i++) if (chars.includes(str[i]!)) return i;
  return e;
}

function indexIn(str: string, ch: string, s: number, e: number): number {
  const i = str.indexOf(ch, s);
  return i >= 0 && i < e ? i : -1;
}

function lastIndexIn(str: string, ch: string, s: number, e: number): number {
  if (e <= s) return -1;
  const i = str.lastIndexOf(ch, e - 1);
  return i >= s ? i : -1;
}

/**
 * parse_url($str) exactly as PHP 8 does it, or null where PHP returns false.
 * Spans are offsets into `str`.
 */
export function phpParseUrl(str: string): PhpUrl | null {
  const ue = str.length;
  const ret: PhpUrl = { spans: {} };
  let port = 0; // ret->port (0 also when unset, as in C)
  let s = 0;
  let e: number;
  let p: number;
  let pp: number;

  const set = (k: StrComponent, a: number, b: number): void => {
    ret[k] = phpReplaceControlChars(str.slice(a, b));
    ret.spans[k] = { start: a, end: b };
  };
  const setPort = (v: number, a: number, b: number): void => {
    port = v;
    ret.port = v;
    ret.spans.port = { start: a, end: b };
  };
  const slashes = (at: number): boolean => at + 1 < ue && str[at] === '/' && str[at + 1] === '/';

  // The C code jumps between labels; `next` names the label to continue at.
  let next: 'host' | 'path' | 'port';

  e = str.indexOf(':');
  if (e > 0) {
    next = 'host';
    let invalid = false;
    for (p = 0; p < e; p++) {
      const c = str[p]!;
      if (!isAlpha(c) && !isDigit(c) && c !== '+' && c !== '.' && c !== '-') {
        invalid = true;
        break;
      }
    }
    if (invalid) {
      if (e + 1 < ue && e < cspn(str, s, ue, '?#')) next = 'port';
      else if (slashes(s)) {
        s += 2;
        next = 'host';
      } else next = 'path';
    } else {
      if (e + 1 === ue) {
        set('scheme', s, e);
        return ret;
      }
      if (str[e + 1] !== '/') {
        // "a.com:80" — digits up to the end or a '/' are a port, not a scheme.
        p = e + 1;
        while (p < ue && isDigit(str[p])) p++;
        if ((p === ue || str[p] === '/') && p - e < 7) next = 'port';
        else {
          set('scheme', s, e);
          s = e + 1;
          next = 'path';
        }
      } else {
        set('scheme', s, e);
        if (e + 2 < ue && str[e + 2] === '/') {
          s = e + 3;
          next = 'host';
          if (ret.scheme!.toLowerCase() === 'file' && e + 3 < ue && str[e + 3] === '/') {
            // file:///c:/dir — PHP tests the byte at e+5, so the char at e+4 must be one byte.
            if (e + 5 < ue && str[e + 5] === ':' && str.charCodeAt(e + 4) < 0x80) s = e + 4;
            next = 'path';
          }
        } else {
          s = e + 1;
          next = 'path';
        }
      }
    }
  } else if (e === 0) {
    next = 'port';
  } else if (slashes(s)) {
    s += 2;
    next = 'host';
  } else {
    next = 'path';
  }

  if (next === 'port') {
    p = e + 1;
    pp = p;
    while (pp < ue && pp - p < 6 && isDigit(str[pp])) pp++;
    if (pp - p > 0 && pp - p < 6 && (pp === ue || str[pp] === '/')) {
      const v = Number(str.slice(p, pp));
      if (v >= 0 && v <= 65535) {
        setPort(v, p, pp);
        if (slashes(s)) s += 2;
      } else return null;
    } else if (p === pp && pp === ue) {
      return null;
    } else if (slashes(s)) {
      s += 2;
    } else {
      next = 'path';
    }
    if (next === 'port') next = 'host';
  }

  if (next === 'host') {
    e = cspn(str, s, ue, '/?#');
    // userinfo: the last '@' before the path ends it; the first ':' splits user and pass.
    p = lastIndexIn(str, '@', s, e);
    if (p >= 0) {
      pp = indexIn(str, ':', s, p);
      if (pp >= 0) {
        set('user', s, pp);
        set('pass', pp + 1, p);
      } else {
        set('user', s, p);
      }
      s = p + 1;
    }
    // IPv6 literal: no port scan inside [...].
    if (s < ue && str[s] === '[' && str[e - 1] === ']') p = -1;
    else p = lastIndexIn(str, ':', s, e);

    if (p >= 0) {
      if (!port) {
        const q = p + 1;
        const text = str.slice(q, e);
        // PHP copies the port into a 5-byte buffer: bytes, not characters.
        if (strToBin(text).length > 5) return null;
        if (e - q > 0) {
          const v = cStrtol(text);
          if (v !== null && v >= 0 && v <= 65535) setPort(v, q, e);
          else return null;
        }
      }
    } else {
      p = e;
    }
    if (p - s < 1) return null;
    set('host', s, p);
    if (e === ue) return ret;
    s = e;
  }

  // just_path:
  e = ue;
  p = indexIn(str, '#', s, e);
  if (p >= 0) {
    set('fragment', p + 1, e);
    e = p;
  }
  p = indexIn(str, '?', s, e);
  if (p >= 0) {
    set('query', p + 1, e);
    e = p;
  }
  if (s < e || s === ue) set('path', s, e);
  return ret;
}

/** Shifts every span by `delta` (to map token offsets to save_path or document offsets). */
export function shiftUrlSpans(url: PhpUrl, delta: number): PhpUrl {
  const spans: PhpUrl['spans'] = {};
  for (const k in url.spans) {
    const v = url.spans[k as PhpUrlComponent]!;
    spans[k as PhpUrlComponent] = { start: v.start + delta, end: v.end + delta };
  }
  return { ...url, spans };
}

/** rawurlencode() (php_raw_url_encode in ext/standard/url.c): every UTF-8 byte outside A-Za-z0-9-_.~ is %XX. */
export function rawurlencode(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    const unreserved =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e;
    out += unreserved ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
