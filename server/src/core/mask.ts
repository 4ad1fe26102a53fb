// Passwords never reach a message, a label or settings. The one masker for every address the
// product shows (lint messages, connection labels, CLI / server / client errors), the masking of
// known secrets in a server's error text, and the split of a password off an address so that
// VS Code keeps it in SecretStorage.
//
// The masker errs on the side of hiding: it reads an address as a person pasting one may have
// written it (a password with raw `/`, `?`, `#` or `@`, a forgotten `@host`), not only as PHP
// parses it, and hides anything that may be a password.
import { binToString, phpUrlDecode } from './phpQuery.ts';
import { rawurlencode } from './phpUrl.ts';

const MASK = '***';

/**
 * Query keys whose value is secret: phpredis's `auth` (a string, `auth[]`, `auth[user]` /
 * `auth[pass]`, see redis_extract_auth_info in phpredis library.c), the spellings other clients
 * use (`password`, `pass`, `pwd`…), and the TLS key's `stream[passphrase]`.
 */
const SECRET_KEYS = new Set(['auth', 'password', 'pass', 'passwd', 'pwd', 'requirepass', 'secret']);

/** A URL's start: `scheme://` at the start of a word or after `=` or `,` (not inside a password). */
const SCHEME = /(?<=^|[\s,=])[a-z][a-z0-9+.-]*:\/\//gi;
/** A parameter phpredis (or another client) knows: after a password, what is not one is more password. */
const KNOWN_PARAM =
  /^(seed|timeout|read_timeout|persistent|persistent_id|prefix|database|db|weight|retry_interval|failover|stream|auth|password|pass|passwd|pwd|requirepass)(\[|%5b|=)/i;
/** What may start after a space or a comma in a save_path, other than the rest of a password. */
const NEXT_SERVER_OR_PARAM = new RegExp(`^[a-z][a-z0-9+.-]*:\\/\\/|^[?&]?${KNOWN_PARAM.source.slice(1)}`, 'i');

/** Whether a (raw, still encoded) query key names a secret, however it is spelled or encoded. */
function isSecretKey(rawKey: string): boolean {
  // PHP url-decodes keys (`auth%5B%5D` is `auth[]`); a leading `--` or quote is not part of the name.
  const key = binToString(phpUrlDecode(rawKey))
    .toLowerCase()
    .replace(/^[^a-z0-9]+/, '');
  const bracket = key.indexOf('[');
  const base = bracket < 0 ? key : key.slice(0, bracket);
  return SECRET_KEYS.has(base.trim()) || /\[\s*passphrase\s*\]/.test(key);
}

type Range = [start: number, end: number];

/**
 * `scheme://user:pass@host?auth=x&auth[]=u&auth[]=p` → `scheme://user:***@host?auth=***&auth[]=***&auth[]=***`,
 * for every server of a save_path (separated by commas or whitespace), every `seed[]` of a
 * rediscluster path, and addresses quoted inside a longer message. What any reading takes for a
 * password is hidden: a userinfo (up to the last `@`), the value of a secret key (up to the next
 * parameter or server: `auth=p&ss` and `auth=pass word` are one password each), a `user:pass@`
 * without a scheme, and what follows `scheme://user:` when no `@host` follows.
 */
export function maskCredentials(text: string): string {
  const ranges = [...secretValues(text), ...userinfos(text), ...bareUserinfos(text)]
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let out = '';
  let done = 0;
  let open: Range | undefined;
  for (const r of [...ranges, [Infinity, Infinity] as Range]) {
    if (open && r[0] <= open[1]) {
      open[1] = Math.max(open[1], r[1]);
      continue;
    }
    if (open) {
      out += text.slice(done, open[0]) + MASK;
      done = open[1];
    }
    open = [r[0], r[1]];
  }
  return out + text.slice(done);
}

/** Where a password that starts at `from` ends: before the next parameter or server, or the end. */
function valueEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '&' && KNOWN_PARAM.test(text.slice(i + 1))) return i;
    if (c === ',' || /\s/.test(c)) {
      // A separator: the value goes on unless another server or parameter follows.
      const run = /^[\s,]+/.exec(text.slice(i))![0];
      const next = i + run.length;
      if (next === text.length || NEXT_SERVER_OR_PARAM.test(text.slice(next))) return i;
      i = next - 1;
    }
  }
  return text.length;
}

/** The values of secret keys (`?auth=`, `&auth[]=`, a rediscluster path's `auth=`…). */
function secretValues(text: string): Range[] {
  const out: Range[] = [];
  for (const m of text.matchAll(/(?<=^|[?&\s,])([^=&?\s,/:@]+)=/g)) {
    if (!isSecretKey(m[1]!)) continue;
    const start = m.index + m[0].length;
    out.push([start, valueEnd(text, start)]);
  }
  return out;
}

/**
 * The userinfo of every `scheme://`: up to the LAST `@` before the next URL (a pasted password
 * may hold `/`, `?`, `#`, `@` or a space). Without any `@`, `scheme://x:y` whose `y` is not a
 * port is read as a user and a password whose `@host` was forgotten.
 */
function userinfos(text: string): Range[] {
  const out: Range[] = [];
  const schemes = [...text.matchAll(SCHEME)];
  schemes.forEach((m, n) => {
    const start = m.index + m[0].length;
    const region = text.slice(start, schemes[n + 1]?.index ?? text.length);
    const at = region.lastIndexOf('@');
    if (at >= 0) {
      // `redis://secret@host`: a lone userinfo is the password (redis-cli reads it so).
      const colon = region.slice(0, at).indexOf(':');
      out.push([start + colon + 1, start + at]);
      return;
    }
    if (region.startsWith('[')) return; // an IPv6 literal: its colons are not a password's
    const authority = /^[^/?#&\s]*/.exec(region)![0];
    const colon = authority.indexOf(':');
    // A port, possibly followed by the punctuation of the sentence it is quoted in.
    if (colon < 0 || /^\d*[.,;:)"'\]]*$/.test(authority.slice(colon + 1))) return;
    out.push([start + colon + 1, valueEnd(text, start + colon + 1)]);
  });
  return out;
}

/** `user:pass@host:port` without a scheme: a `seed[]` value, a server missing its `tcp://`. */
function bareUserinfos(text: string): Range[] {
  const out: Range[] = [];
  const words = [
    ...text.matchAll(/(?<=^|[\s,])[^\s,&=]*@[^\s,&]*/g),
    ...text.matchAll(/(?<=(?:^|[?&\s,])seed(?:\[[^\]=&]*\]|%5b[^=&]*)?=)[^\s,&]*@[^\s,&]*/gi),
  ];
  for (const m of words) {
    const at = m[0].lastIndexOf('@');
    const colon = m[0].indexOf(':');
    if (colon >= 0 && colon < at && !m[0].includes('://')) out.push([m.index + colon + 1, m.index + at]);
  }
  return out;
}

/** Replaces every known secret (and its URL-encoded forms) in `text` by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Shorter strings would mask ordinary words; no message is ever built from a secret anyway.
    if (secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), rawurlencode(secret)])) {
      out = out.split(form).join(MASK);
    }
  }
  return out;
}

/** Whether the address holds anything the masker hides. */
export function hasCredentials(address: string): boolean {
  return maskCredentials(address) !== address;
}

/** Users that mean "the default user": a password-only AUTH authenticates as `default`. */
const DEFAULT_USERS = new Set(['', 'default', 'h']);

/**
 * The address with its password taken out, and the password, when the address is exactly the
 * two put back together: a `redis://` URL's password (default user only) or one server's `auth=`.
 * Otherwise (an ACL user, `auth[]`, several servers…) the address comes back whole, and
 * `hasCredentials` says whether it must be kept secret as a whole.
 */
export function splitPassword(address: string): { address: string; password?: string } {
  const url = /^(rediss?:\/\/)(.*)$/is.exec(address);
  if (url) {
    // The userinfo as the URL parser reads it: up to the last `@` before the first `/`, `?`, `#`.
    const rest = url[2]!;
    const authority = /^[^/?#]*/.exec(rest)![0];
    const at = authority.lastIndexOf('@');
    if (at < 0) return { address };
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? '' : userinfo.slice(0, colon);
    if (!DEFAULT_USERS.has(decodeLenient(user).toLowerCase())) return { address };
    const clean = `${url[1]}${rest.slice(at + 1)}`;
    if (hasCredentials(clean)) return { address };
    // `redis://secret@host`: a lone userinfo is the password.
    const password = decodeLenient(colon < 0 ? userinfo : userinfo.slice(colon + 1));
    return password === '' ? { address: clean } : { address: clean, password };
  }
  // One server's `auth=`; a fragment would end the value in a URL and not in a cluster path: kept whole.
  const auth = /([?&])auth=([^&]*)/.exec(address);
  if (!auth || /[\s,#]/.test(address)) return { address };
  const clean = (
    address.slice(0, auth.index) +
    (auth[1] === '?' ? '?' : '') +
    address.slice(auth.index + auth[0].length)
  )
    .replace('?&', '?')
    .replace(/\?$/, '');
  if (hasCredentials(clean)) return { address };
  const password = binToString(phpUrlDecode(auth[2]!));
  return password === '' ? { address: clean } : { address: clean, password };
}

/** URL userinfo decoding as the connection parser does it: a malformed `%` leaves the text as is. */
function decodeLenient(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
