import type { Seed } from '../../emulator/generated/schema-types.js';

const pad = (n: number) => String(n).padStart(4, '0');

/** The mailbox of business `n` of a scale seed. */
export const scaleMailbox = (n: number) => `shop-${pad(n)}@scale.example`;
/** The bearer token of business `n`'s administrator. */
export const scaleToken = (n: number) => `scale-admin-${pad(n)}`;

/**
 * `businesses` businesses, each with one administrator (a user with a token of their own) and the
 * one service the bench books (svc1 and its required question q1, as in the demo seed).
 */
export function scaleSeed(businesses: number): Seed {
  const ids = Array.from({ length: businesses }, (_, n) => n);
  return {
    users: ids.map((n) => ({
      upn: `admin-${pad(n)}@scale.example`,
      token: scaleToken(n),
      displayName: `Admin ${pad(n)}`,
    })),
    businesses: ids.map((n) => ({
      email: scaleMailbox(n),
      displayName: `Shop ${pad(n)}`,
      staff: [
        {
          id: 's1',
          displayName: `Admin ${pad(n)}`,
          emailAddress: `admin-${pad(n)}@scale.example`,
          role: 'administrator',
        },
      ],
      services: [
        {
          id: 'svc1',
          displayName: 'Consultation',
          durationMinutes: 30,
          maxAttendees: 1,
          staffMemberIds: ['s1'],
          customQuestions: [
            { id: 'q1', question: 'Topic?', answerOptions: ['Tax', 'Audit'], isRequired: true },
          ],
        },
      ],
    })),
  };
}
