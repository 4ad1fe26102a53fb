// The byte values of serialize()'s grammar (php-src ext/standard/var_unserializer.re), shared by the
// value-tree reader (phpSerialize.ts) and the direct JSON reader (direct/serializeDirect.ts).
export const QUOTE = 0x22;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const BACKSLASH = 0x5c;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;

/** 10^0 … 10^15, all exact doubles (a decimal of at most 15 digits divided by one is exact: Clinger). */
export const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => Number(`1e${i}`));
