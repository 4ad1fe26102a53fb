// Seeded random PHP session trees for the encoder tests: scalars at their format boundaries
// (8/16/32/64-bit integers, NAN/INF/-0.0, binary and long strings), lists and maps, objects of
// stdClass / a dynamic class / an undeclared class with visibility, enums and Serializable objects,
// then PHP references (&) and shared object handles placed at random later positions.
import { encodeUtf8, type PhpProperty, type PhpValue, type PhpVisibility } from '../../server/src/sessions/phpValue.ts';
import type { SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { rng } from './random.ts';

export interface GenOptions {
  serializer: SessionSerializer;
  /** Enum cases (Suit, Status) and Serializable objects (Legacy): not for msgpack. */
  enumsAndCustom: boolean;
  /** Probability that a later position becomes a reference. */
  refRate: number;
  maxDepth: number;
}

const STRING_POOL = ['', 'a', 'id', 'name', 'Zoë', '日本', '🎉 party', 'quote " ; } {', 'x'.repeat(300)];
const KEY_POOL = ['user', 'id', 'name', 'roles', 'é', 'k-1', 'a b', '_token', 'x'.repeat(40)];
const INTS = [0n, 1n, -1n, 31n, -32n, -33n, 127n, 128n, 255n, 256n, -128n, -129n, 65535n, 65536n, -32768n, -32769n];
const BIG = [2n ** 31n - 1n, 2n ** 31n, -(2n ** 31n), -(2n ** 31n) - 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n];
const EXTREME = [2n ** 63n - 1n, -(2n ** 63n)];
const FLOATS = [
  0.1,
  -0,
  0,
  NaN,
  Infinity,
  -Infinity,
  1e25,
  5e-324,
  1.7976931348623157e308,
  1.5e-7,
  100,
  -2.5,
  0.1 + 0.2,
];

export function generateSession(seed: number, options: GenOptions): Array<[string, PhpValue]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (n: number): number => Math.floor(r() * n);

  const str = (big = false): PhpValue => {
    const roll = r();
    if (roll < 0.6) return { kind: 'string', bytes: encodeUtf8(pick(STRING_POOL)) };
    if (roll < 0.8) return { kind: 'string', bytes: Uint8Array.from({ length: int(20) }, () => int(256)) };
    if (roll < 0.97 || !big) return { kind: 'string', bytes: encodeUtf8(`s${int(1000)}`) };
    return { kind: 'string', bytes: encodeUtf8('y'.repeat(65536 + int(10))) };
  };
  const scalar = (depth: number): PhpValue => {
    switch (int(6)) {
      case 0:
        return { kind: 'null' };
      case 1:
        return { kind: 'bool', value: r() < 0.5 };
      case 2: {
        const roll = r();
        const v =
          roll < 0.5
            ? pick(INTS)
            : roll < 0.85
              ? pick(BIG)
              : roll < 0.95
                ? pick(EXTREME)
                : BigInt(int(2 ** 31)) * 7919n;
        return { kind: 'int', value: v };
      }
      case 3: {
        if (r() < 0.6) return { kind: 'float', value: pick(FLOATS) };
        const bytes = new Uint8Array(8).map(() => int(256));
        const f = new DataView(bytes.buffer).getFloat64(0);
        return { kind: 'float', value: Number.isNaN(f) ? 0.5 : f };
      }
      default:
        return str(depth === 0);
    }
  };
  const name = (): string => (r() < 0.7 ? pick(KEY_POOL) : `p${int(50)}`);

  const value = (depth: number): PhpValue => {
    const roll = r();
    if (depth >= options.maxDepth || roll < 0.55) return scalar(depth);
    if (roll < 0.8) {
      const n = depth === 0 && r() < 0.1 ? 256 + int(40) : int(6);
      if (r() < 0.5)
        return {
          kind: 'array',
          entries: Array.from({ length: n }, (_, i) => ({ key: BigInt(i), value: value(depth + 1) })),
        };
      const entries: Array<{ key: bigint | string; value: PhpValue }> = [];
      const used = new Set<string>();
      for (let i = 0; i < n; i++) {
        const key: bigint | string = r() < 0.4 ? pick([...INTS, ...EXTREME, 7n, 1000n]) : name();
        if (used.has(String(key))) continue;
        used.add(String(key));
        entries.push({ key, value: value(depth + 1) });
      }
      return { kind: 'array', entries };
    }
    if (options.enumsAndCustom && roll < 0.85) {
      if (r() < 0.6)
        return pick([
          { kind: 'enum', className: 'Suit', caseName: 'Hearts' },
          { kind: 'enum', className: 'Suit', caseName: 'Spades' },
          { kind: 'enum', className: 'Status', caseName: 'Archived' },
        ] as const);
      const payload = (str() as { bytes: Uint8Array }).bytes;
      return { kind: 'custom', className: 'Legacy', payload };
    }
    const className = pick(['stdClass', 'Bag', 'Gen\\Unknown']);
    const properties: PhpProperty[] = [];
    const used = new Set<string>();
    for (let i = int(5); i > 0; i--) {
      const visibility: PhpVisibility =
        className === 'Gen\\Unknown' ? pick(['public', 'protected', 'private'] as const) : 'public';
      // Decimal names only on stdClass: elsewhere they stand for __serialize() integer keys.
      const n = className === 'stdClass' && r() < 0.2 ? String(int(9)) : name();
      if (used.has(`${visibility}:${n}`)) continue;
      used.add(`${visibility}:${n}`);
      const p: PhpProperty = { name: n, visibility, value: value(depth + 1) };
      if (visibility === 'private') p.declaringClass = className;
      properties.push(p);
    }
    return { kind: 'object', className, properties };
  };

  const variables: Array<[string, PhpValue]> = [];
  const names = new Set<string>();
  for (let i = 1 + int(6); i > 0; i--) {
    const n = r() < 0.8 ? name() : `v${int(100)}`;
    if (names.has(n) || /^(0|-?[1-9][0-9]*)$/.test(n)) continue;
    names.add(n);
    variables.push([n, value(0)]);
  }
  addReferences(variables, r, options);
  return variables;
}

/** Replaces some later positions by a reference to an earlier value still in the tree. */
function addReferences(variables: Array<[string, PhpValue]>, r: () => number, options: GenOptions): void {
  if (options.refRate <= 0) return;
  const earlier: PhpValue[] = [];
  const visit = (get: () => PhpValue, set: (v: PhpValue) => void): void => {
    const candidates =
      options.serializer === 'msgpack'
        ? earlier.filter(
            (v) =>
              v.kind !== 'string' && v.kind !== 'int' && v.kind !== 'float' && v.kind !== 'bool' && v.kind !== 'null',
          )
        : earlier;
    if (candidates.length > 0 && r() < options.refRate) {
      const target = candidates[Math.floor(r() * candidates.length)]!;
      const objectLike = target.kind === 'object' || target.kind === 'enum' || target.kind === 'custom';
      // A & to an object marks its first occurrence as the reference, which is only what PHP
      // wrote when that occurrence was the referenced variable: handles are the common case.
      set({ kind: 'reference', slot: 0, phpReference: !objectLike, target });
      return;
    }
    const v = get();
    earlier.push(v);
    if (v.kind === 'array')
      for (const e of v.entries)
        visit(
          () => e.value,
          (x) => (e.value = x),
        );
    else if (v.kind === 'object')
      for (const p of v.properties)
        visit(
          () => p.value,
          (x) => (p.value = x),
        );
  };
  for (const variable of variables)
    visit(
      () => variable[1],
      (x) => (variable[1] = x),
    );
}
