/** A small seeded PRNG (mulberry32): the same seed replays the same trials. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from HYGGE_FAULT_SEED, or a fresh one; printed so a failure can be replayed. */
export function faultSeed(label: string): number {
  const seed = process.env.HYGGE_FAULT_SEED
    ? Number(process.env.HYGGE_FAULT_SEED)
    : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${label}] fault-injection seed ${seed} (replay with HYGGE_FAULT_SEED=${seed})`);
  return seed;
}
