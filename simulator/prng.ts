/**
 * mulberry32: a tiny, fast seeded PRNG. Good enough for test data; never for secrets.
 * Every random choice in the generator goes through one instance so a seed reproduces a tenant byte for byte.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  bytes(length: number): Buffer;
  hex(length: number): string;
  /** RFC 4122 version-4-shaped GUID, lower case. */
  guid(): string;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const bytes = (length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 4) {
      const v = nextUint32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (v >>> (j * 8)) & 0xff;
    }
    return out;
  };
  const hex8 = (): string => nextUint32().toString(16).padStart(8, "0");
  const hex = (length: number): string => {
    let out = "";
    while (out.length < length) out += hex8();
    return out.slice(0, length);
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p: number) => next() < p,
    bytes,
    hex,
    guid: () => {
      const a = hex8();
      const b = hex8();
      const c = hex8();
      const d = hex8();
      const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
      return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
    },
  };
}

/** Stable 32-bit hash of a string, to derive a numeric seed from e.g. a tenant id. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
