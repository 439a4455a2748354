/**
 * Dictionary for byte-array values, built with an open-addressing hash table over the bytes
 * (no JS string per value). Distinct values are copied into a compact buffer as they are found,
 * and the table grows with the number of distinct values, so lookups stay in cache. Returns
 * undefined when the dictionary would not pay: more than half the values distinct, or more than
 * 1 MB of distinct bytes.
 */
export function buildDictionary(
  offsets: Int32Array,
  bytes: Uint8Array,
): { entries: Uint8Array[]; indexes: Int32Array; page: Uint8Array } | undefined {
  const n = offsets.length - 1;
  if (n === 0) return undefined;
  const maxEntries = Math.max(16, n >> 1);
  const maxBytes = 1 << 20;
  // The dictionary page itself: 4-byte length + bytes per entry.
  const page = new Uint8Array(maxBytes);
  const view = new DataView(page.buffer);
  const starts = new Int32Array(maxEntries + 1); // entry e's bytes start at starts[e] + 4 in page
  const hashes = new Int32Array(maxEntries);
  let size = 1024;
  let table: Int32Array = new Int32Array(size).fill(-1);
  let entries = 0;
  let used = 0;
  const indexes = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const a = offsets[v]!;
    const len = offsets[v + 1]! - a;
    let h = 0x811c9dc5 ^ len;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ bytes[a + k]!, 0x01000193);
    h = fmix(h);
    let mask = size - 1;
    let slot = h & mask;
    for (;;) {
      const e = table[slot]!;
      if (e === -1) {
        if (entries >= maxEntries || used + 4 + len > maxBytes) return undefined;
        starts[entries] = used;
        hashes[entries] = h;
        view.setUint32(used, len, true);
        page.set(bytes.subarray(a, a + len), used + 4);
        used += 4 + len;
        indexes[v] = entries;
        table[slot] = entries++;
        if (entries * 2 > size) {
          size *= 2;
          table = rehash(hashes, entries, size);
          mask = size - 1;
        }
        break;
      }
      if (hashes[e] === h) {
        const s = starts[e]!;
        if (view.getUint32(s, true) === len && sameBytes(page, s + 4, bytes, a, len)) {
          indexes[v] = e;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
  starts[entries] = used;
  const out = page.slice(0, used);
  const list: Uint8Array[] = [];
  for (let e = 0; e < entries; e++) list.push(out.subarray(starts[e]! + 4, starts[e + 1]!));
  return { entries: list, indexes, page: out };
}

function rehash(hashes: Int32Array, entries: number, size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (let e = 0; e < entries; e++) {
    let slot = hashes[e]! & mask;
    while (table[slot] !== -1) slot = (slot + 1) & mask;
    table[slot] = e;
  }
  return table;
}

function sameBytes(x: Uint8Array, xi: number, y: Uint8Array, yi: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (x[xi + k] !== y[yi + k]) return false;
  return true;
}

/** Murmur3's finaliser: spreads FNV's weak low bits, which pick the table slot. */
function fmix(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
