// The keys a keyspace loop has seen, to drop SCAN's duplicates (SCAN may return a key twice when the
// server's table shrinks or rehashes during the loop). A Set of the key strings costs about 70 bytes
// per key, 70 MB for a million sessions; this set keeps a 64-bit fingerprint per key in typed
// arrays: 8 bytes per slot, at most half the slots used. Two keys share a fingerprint with
// probability 2^-64 per pair (about 3e-8 for a million keys): the later one would be dropped.

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class KeySet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private used = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
  }

  get size(): number {
    return this.used;
  }

  /** Adds `key` (its bytes); false when it was there already. */
  add(key: Uint8Array): boolean {
    // Two independent 32-bit hashes (FNV-1a and a multiply-xorshift) of the bytes.
    let a = 0x811c9dc5;
    let b = key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key[i]!;
      a = Math.imul(a ^ c, 16777619);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    const hi = fmix(a);
    const lo = fmix(b) || 1; // (hi, 0) never marks a used slot
    if (!this.insert(hi, lo)) return false;
    if (++this.used * 2 > this.hi.length) this.grow();
    return true;
  }

  private insert(hi: number, lo: number): boolean {
    const mask = this.hi.length - 1;
    for (let i = hi & mask; ; i = (i + 1) & mask) {
      const l = this.lo[i]!;
      if (l === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        return true;
      }
      if (l === lo && this.hi[i] === hi) return false;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    for (let i = 0; i < hi.length; i++) if (lo[i] !== 0) this.insert(hi[i]!, lo[i]!);
  }
}
