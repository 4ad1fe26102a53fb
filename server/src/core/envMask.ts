// A value with run-time parts (`${VAR}`, expanded by PHP where it runs) seen with one stand-in
// character per variable, so that what surrounds the variables can still be checked.
import type { IniValue } from './ini.ts';
import type { Span } from './span.ts';

/** The value's text with each expanded `${VAR}` replaced by one stand-in char. */
export class MaskedValue {
  constructor(
    readonly text: string,
    /** Offset in `text` of each stand-in, in order. */
    readonly standIns: readonly number[],
    private readonly value: IniValue,
  ) {}

  /** Offset in `text` → offset in the value's text (a stand-in's end is its `${VAR}`'s end). */
  toValue(i: number): number {
    const env = this.value.env;
    let shift = 0;
    for (let k = 0; k < env.length; k++) {
      if (i <= this.standIns[k]!) return i + shift;
      shift += env[k]!.textEnd - env[k]!.textStart - 1;
    }
    return Math.min(i + shift, this.value.text.length);
  }

  /** Whether the span of `text` overlaps a stand-in. */
  overlapsStandIn(s: Span): boolean {
    return this.standIns.some((k) => s.start <= k && k < s.end);
  }
}

/** Expanded `${VAR}` of a value, as [start, end) offsets of its text. */
export function envRanges(value: IniValue): [number, number][] {
  return value.env.map((r) => [r.textStart, r.textEnd]);
}

/**
 * What the parts around run-time values look like; undefined when the value is nothing but
 * `${VAR}`s. Single-quoted `${VAR}` is literal text and stays.
 */
export function maskEnv(value: IniValue, standIn = '1'): MaskedValue | undefined {
  const text = value.text;
  const env = value.env;
  if (!env.length) return new MaskedValue(text, [], value);
  let out = '';
  let last = 0;
  let blank = true;
  const standIns: number[] = [];
  for (const r of env) {
    const part = text.slice(last, r.textStart);
    if (blank && part.trim()) blank = false;
    out += part;
    standIns.push(out.length);
    out += standIn;
    last = r.textEnd;
  }
  const tail = text.slice(last);
  if (blank && !tail.trim()) return undefined;
  return new MaskedValue(out + tail, standIns, value);
}
