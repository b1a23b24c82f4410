import { randomUUID } from 'node:crypto';

/** Makes ids; seeded, it repeats the same sequence, so a scenario run repeats byte for byte. */
export interface IdGenerator {
  uuid(): string;
  /** Starts the sequence again from `seed` (random ids when undefined). */
  reseed(seed: number | undefined): void;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createIdGenerator(seed?: number): IdGenerator {
  let random: (() => number) | undefined;
  const generator: IdGenerator = {
    uuid() {
      if (!random) return randomUUID();
      const next = random;
      const bytes = Array.from({ length: 16 }, () => Math.floor(next() * 256));
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    reseed(next) {
      random = next === undefined ? undefined : mulberry32(next);
    },
  };
  generator.reseed(seed);
  return generator;
}
