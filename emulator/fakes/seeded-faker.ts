import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

/**
 * faker's main entry loads every locale (about 36 MiB of RSS); the English entry loads one. It
 * exports only its ready-made instance, whose constructor and definitions (English over base)
 * make private instances with the same data.
 */
const EnglishFaker = english.constructor as new (options: { locale: Faker['rawDefinitions'] }) => Faker;

/**
 * A private, seeded faker: the same seed gives the same data, and no seed leaks into another
 * caller through faker's global instance.
 */
export function createSeededFaker(seed: number): Faker {
  const faker = new EnglishFaker({ locale: english.rawDefinitions });
  faker.seed(seed);
  return faker;
}
