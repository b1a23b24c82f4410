import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.js';
import { EmulatorError } from '../../core/errors.js';
import { createIdGenerator } from '../../core/ids.js';
import { lunch, testSeed } from '../../testing/seed.js';
import { Directory } from '../directory.js';
import { BusinessResourceService, staffMemberLimit } from './business-resources.js';

function setup() {
  const clock = new VirtualClock(Date.parse('2026-01-05T08:00:00Z'));
  const directory = new Directory(testSeed, { now: () => clock.now() });
  const resources = new BusinessResourceService({ directory, clock, ids: createIdGenerator(7) });
  return { clock, directory, resources };
}

function refusal(action: () => unknown): EmulatorError {
  try {
    action();
  } catch (error) {
    if (error instanceof EmulatorError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('BusinessResourceService', () => {
  it('creates with a generated id, timestamps and the defaults of a seeded entity', () => {
    const { resources } = setup();
    const service = resources.create(lunch, 'services', { displayName: 'Bento', defaultPrice: 10 });
    expect(service.id).toBe(createIdGenerator(7).uuid());
    expect(service).toMatchObject({
      displayName: 'Bento',
      defaultPrice: 10,
      defaultDuration: 'PT30M',
      createdDateTime: '2026-01-05T08:00:00.0000000Z',
      lastUpdatedDateTime: '2026-01-05T08:00:00.0000000Z',
    });
  });

  it('commits a new document on every change, leaving the one read before untouched', () => {
    const { directory, resources } = setup();
    const before = directory.document(lunch);
    resources.create(lunch, 'staffMembers', {
      displayName: 'Otto',
      emailAddress: 'otto@x.example',
      role: 'administrator',
    });
    const after = directory.document(lunch);
    expect(after).not.toBe(before);
    expect(before?.staffMembers).toHaveLength(8);
    expect(after?.staffMembers).toHaveLength(9);
    expect(directory.businessesAdministeredBy('otto@x.example').map((business) => business.email)).toEqual([
      lunch,
    ]);
  });

  it('updates in place of the old entity, clearing what is given as null, and stamps lastUpdatedDateTime', async () => {
    const { clock, resources } = setup();
    await clock.advanceBy(90_000);
    const updated = resources.update(lunch, 'services', 'one', { notes: null, defaultPrice: 3 });
    expect(updated.notes).toBeUndefined();
    expect(updated.defaultPrice).toBe(3);
    expect(updated.lastUpdatedDateTime).toBe('2026-01-05T08:01:30.0000000Z');
    expect(resources.list(lunch, 'services').map((service) => service.id)).toEqual(['one', 'group']);
  });

  it('keeps references whole: refused when unknown, removed when their target is deleted', () => {
    const { resources } = setup();
    expect(
      refusal(() => resources.update(lunch, 'services', 'one', { staffMemberIds: ['nobody'] })).target,
    ).toBe('/staffMemberIds/0');
    resources.delete(lunch, 'staffMembers', 's-member');
    resources.delete(lunch, 'customQuestions', 'diet');
    expect(resources.get(lunch, 'services', 'group')).toMatchObject({
      staffMemberIds: ['s-admin'],
      customQuestions: [],
    });
  });

  it('answers 404s for an unknown business or entity', () => {
    const { resources } = setup();
    expect(refusal(() => resources.list('nobody@x.example', 'customers')).code).toBe('MailboxNotFound');
    expect(refusal(() => resources.delete(lunch, 'customers', 'ghost')).code).toBe(
      'BusinessResourceNotFound',
    );
  });

  it(`holds a business to ${staffMemberLimit} staff members`, () => {
    const { resources } = setup();
    for (let index = resources.list(lunch, 'staffMembers').length; index < staffMemberLimit; index += 1)
      resources.create(lunch, 'staffMembers', {
        displayName: `S${index}`,
        emailAddress: `s${index}@x.example`,
        role: 'guest',
      });
    const refused = refusal(() =>
      resources.create(lunch, 'staffMembers', {
        displayName: 'Late',
        emailAddress: 'late@x.example',
        role: 'guest',
      }),
    );
    expect(refused.code).toBe('InvalidGraphRequest');
  });
});
