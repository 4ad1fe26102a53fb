// Seeded randomness for generated test inputs (mulberry32: tiny, reproducible across Node versions).

export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` strings, each `min`..`max` pieces drawn (seeded) from `pieces` and joined. */
export function joinedPieces(pieces: readonly string[], n: number, seed: number, max: number, min = 1): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const k = min + Math.floor(r() * (max - min + 1));
    let s = '';
    for (let j = 0; j < k; j++) s += pieces[Math.floor(r() * pieces.length)]!;
    return s;
  });
}
