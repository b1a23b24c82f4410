import { describe, expect, it } from 'vitest';
import type { Seed } from '../../generated/schema-types.js';
import { createMemoryStore } from '../../state/memory/memory-store.js';
import { Directory } from '../directory.js';
import { businessFromSeed, defaultBusinessHours } from './from-seed.js';
import { seedBusinessView } from './seed-view.js';

const now = '2026-01-05T08:00:00.0000000Z';

const seed: Seed = {
  users: [{ upn: 'ada@contoso.example', token: 'ada-token-0001' }],
  businesses: [
    {
      email: 'Lunch@contoso.example',
      displayName: 'Contoso Lunch',
      timeZone: 'Pacific Standard Time',
      businessHours: [{ day: 'monday', timeSlots: [{ startTime: '09:00', endTime: '12:30' }] }],
      staff: [
        { id: 's1', displayName: 'Ada', emailAddress: 'ada@contoso.example', role: 'administrator' },
        {
          id: 's2',
          displayName: 'Bo',
          emailAddress: 'bo@contoso.example',
          role: 'viewer',
          useBusinessHours: false,
        },
      ],
      customers: [{ displayName: 'Jordan Miller', emailAddress: 'jordan@example.com', phone: '555-0100' }],
      customQuestions: [{ id: 'allergies', question: 'Allergies?' }],
      services: [
        {
          id: 'svc1',
          displayName: 'Consultation',
          durationMinutes: 45,
          postBufferMinutes: 10,
          price: 20,
          priceType: 'fixedPrice',
          maxAttendees: 1,
          notes: 'Bring papers',
          isOnline: true,
          customQuestions: [
            { id: 'topic', question: 'Topic?', answerOptions: ['Tax', 'Audit'], isRequired: true },
          ],
        },
      ],
    },
  ],
};

describe('a seeded business as Graph shows it', () => {
  const [business] = seed.businesses;
  if (!business) throw new Error('the test seed has a business');
  const document = businessFromSeed(business, now);

  it('takes what the seed says, in Graph names and forms', () => {
    expect(document.business).toMatchObject({
      id: 'Lunch@contoso.example',
      email: 'Lunch@contoso.example',
      displayName: 'Contoso Lunch',
      timeZone: 'Pacific Standard Time',
      businessHours: [
        { day: 'monday', timeSlots: [{ startTime: '09:00:00.0000000', endTime: '12:30:00.0000000' }] },
      ],
      createdDateTime: now,
    });
    expect(document.services[0]).toMatchObject({
      id: 'svc1',
      defaultDuration: 'PT45M',
      preBuffer: 'PT0S',
      postBuffer: 'PT10M',
      defaultPrice: 20,
      defaultPriceType: 'fixedPrice',
      maximumAttendeesCount: 1,
      notes: 'Bring papers',
      isLocationOnline: true,
      customQuestions: [{ questionId: 'topic', isRequired: true }],
    });
    expect(document.customQuestions).toEqual([
      expect.objectContaining({ id: 'allergies', displayName: 'Allergies?', answerInputType: 'text' }),
      expect.objectContaining({
        id: 'topic',
        answerInputType: 'radioButton',
        answerOptions: ['Tax', 'Audit'],
      }),
    ]);
    expect(
      document.staffMembers.map((member) => [member.id, member.timeZone, member.useBusinessHours]),
    ).toEqual([
      ['s1', 'Pacific Standard Time', true],
      ['s2', 'Pacific Standard Time', false],
    ]);
    expect(document.customers[0]).toMatchObject({
      displayName: 'Jordan Miller',
      phones: [{ number: '555-0100', type: 'mobile' }],
    });
  });

  it('gives a customer without an id the same GUID on every start', () => {
    const id = document.customers[0]?.id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(businessFromSeed(business, '2027-01-01T00:00:00.0000000Z').customers[0]?.id).toBe(id);
  });

  it("keeps Graph's sample hours when the seed gives none", () => {
    const plain = businessFromSeed({ email: 'x@y.example', displayName: 'X' }, now);
    expect(plain.business.businessHours).toEqual(defaultBusinessHours);
    expect(plain.business.timeZone).toBe('UTC');
  });

  it('reads back in the seed shape the appointment rules use', () => {
    const view = seedBusinessView(document);
    expect(view.services?.[0]).toEqual({
      id: 'svc1',
      displayName: 'Consultation',
      durationMinutes: 45,
      preBufferMinutes: 0,
      postBufferMinutes: 10,
      price: 20,
      priceType: 'fixedPrice',
      maxAttendees: 1,
      notes: 'Bring papers',
      isOnline: true,
      smsNotificationsEnabled: false,
      customQuestions: [
        { id: 'topic', question: 'Topic?', answerOptions: ['Tax', 'Audit'], isRequired: true },
      ],
    });
    expect(view.staff?.map((member) => member.role)).toEqual(['administrator', 'viewer']);
  });
});

describe('the Directory over the business documents', () => {
  it('serves a committed change at once and saves it', () => {
    const store = createMemoryStore();
    const directory = new Directory(seed, { store: store.businesses, now: () => Date.parse(now) });
    const document = directory.document('lunch@CONTOSO.example');
    if (!document) throw new Error('the seeded business is there');
    const seeded = directory.business('lunch@contoso.example');
    if (!seeded) throw new Error('the seeded business has a view');
    expect(directory.roleOf(seeded, 'bo@contoso.example')).toBe('viewer');

    directory.commit({
      ...document,
      staffMembers: document.staffMembers.map((member) =>
        member.id === 's2' ? { ...member, role: 'administrator' } : member,
      ),
    });
    expect(
      directory.businessesAdministeredBy('bo@contoso.example').map((business) => business.email),
    ).toEqual(['Lunch@contoso.example']);

    const restarted = new Directory(seed, { store: store.businesses });
    expect(restarted.businessesAdministeredBy('bo@contoso.example')).toHaveLength(1);
  });

  it('starts over from the seed on load, and from another seed when the seed changed', () => {
    const store = createMemoryStore();
    const directory = new Directory(seed, { store: store.businesses });
    const document = directory.document('lunch@contoso.example');
    if (!document) throw new Error('the seeded business is there');
    directory.commit({ ...document, business: { ...document.business, displayName: 'Renamed' } });

    const changedSeed: Seed = {
      ...seed,
      businesses: seed.businesses.map((b) => ({ ...b, displayName: 'New name' })),
    };
    expect(
      new Directory(changedSeed, { store: store.businesses }).business('lunch@contoso.example')?.displayName,
    ).toBe('New name');

    directory.load(seed);
    expect(directory.business('lunch@contoso.example')?.displayName).toBe('Contoso Lunch');
  });
});
