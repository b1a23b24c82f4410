import { randomUUID } from 'node:crypto';
import { seededRandom } from './random.js';

/** Makes ids; seeded, it repeats the same sequence, so a scenario run repeats byte for byte. */
export interface IdGenerator {
  uuid(): string;
  /** Starts the sequence again from `seed` (random ids when undefined). */
  reseed(seed: number | undefined): void;
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
      random = next === undefined ? undefined : seededRandom(next);
    },
  };
  generator.reseed(seed);
  return generator;
}
