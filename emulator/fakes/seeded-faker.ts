import { base, en, Faker } from '@faker-js/faker';

/**
 * A private, seeded faker: the same seed gives the same data, and no seed leaks into another
 * caller through faker's global instance.
 */
export function createSeededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  return faker;
}
