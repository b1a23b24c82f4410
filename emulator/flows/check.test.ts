import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSeedFile } from '../config/seed-loader.js';
import { loadSchemaDocument } from '../core/schemas/documents.js';
import { policyNames } from '../domain/policies.js';
import type { Trigger } from '../generated/schema-types.js';
import { checkFlow, fieldRules, ruleDescriptions } from './check.js';
import type { BookingsOperation, FlowDocument, WorkflowAction } from './model.js';

const operations: Record<Trigger, BookingsOperation> = {
  created: 'CreateAppointment',
  updated: 'UpdateAppointment',
  cancelled: 'CancelAppointment',
};

/** A flow on one Bookings trigger whose single Compose action holds `expression`. */
function flowReading(
  expressions: string | Record<string, WorkflowAction>,
  trigger: Trigger = 'created',
  mailbox = 'lunch@contoso.example',
): FlowDocument {
  const actions =
    typeof expressions === 'string' ? { Compose: { type: 'Compose', inputs: expressions } } : expressions;
  return {
    file: 'flow.json',
    name: 'Test flow',
    definition: {
      triggers: {
        When_booked: {
          type: 'OpenApiConnectionWebhook',
          inputs: {
            host: {
              connectionName: 'shared_microsoftbookings',
              operationId: operations[trigger],
              apiId: '/providers/Microsoft.PowerApps/apis/shared_microsoftbookings',
            },
            parameters: { SMTPAddress: mailbox },
          },
        },
      },
      actions,
    },
    bookingsTriggers: [{ name: 'When_booked', operationId: operations[trigger], trigger, mailbox }],
  };
}

const seed = loadSeedFile('fixtures/seeds/demo.yaml');
const rulesOf = (flow: FlowDocument, options = {}) =>
  checkFlow(flow, options).map(
    (finding) => `${finding.severity} ${finding.rule}${finding.policy ? ` ${finding.policy}` : ''}`,
  );

describe('checkFlow: fields that do not exist', () => {
  it('names the nearest real field for a misspelt one', () => {
    const [finding] = checkFlow(flowReading("@triggerOutputs()?['body/StartDateTime']"));
    expect(finding).toMatchObject({
      severity: 'error',
      rule: 'unknown-field',
      action: 'Compose',
      expression: "triggerOutputs()?['body/StartDateTime']",
      pointer: '/actions/Compose/inputs',
      file: 'flow.json',
      flow: 'Test flow',
    });
    expect(finding?.message).toContain('did you mean StartTime?');
  });

  it('points at a field of another level: customers have no phone, the 1:1 CustomerPhone does', () => {
    const flow = flowReading({
      Each_customer: {
        type: 'Foreach',
        foreach: "@triggerBody()?['Customers']",
        actions: { Compose: { type: 'Compose', inputs: "@items('Each_customer')?['Phone']" } },
      },
    });
    const finding = checkFlow(flow).find((candidate) => candidate.rule === 'unknown-field');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toMatch(
      /Phone is not a field of CustomerData \(an item of Customers\).*CustomerPhone/,
    );
  });

  it('reports a field read on a list as a wrong shape', () => {
    const [finding] = checkFlow(flowReading("@triggerBody()?['StaffMembers']?['EmailAddress']"));
    expect(finding).toMatchObject({ severity: 'error', rule: 'wrong-shape' });
    expect(finding?.message).toContain('StaffMembers is a list of StaffMemberData');
  });

  it('knows every field of the schema, nested ones included, and says nothing about plain ones', () => {
    const schema = loadSchemaDocument('appointment-data') as unknown as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toContain('ServiceName');
    const reads = [
      "triggerBody()?['ServiceName']",
      "first(triggerBody()?['Customers'])?['Location']?['PhysicalAddress']?['City']",
      "first(triggerBody()?['StaffMembers'])?['DisplayName']",
      "triggerBody()?['Customers']?[0]?['Answers']?[0]?['SelectedOptions']",
      "triggerOutputs()?['body/MaxAttendeesCount']",
    ];
    for (const read of reads) {
      expect(checkFlow(flowReading(`@${read}`), { seed }), read).toEqual([]);
    }
  });
});

describe('checkFlow: casing', () => {
  it('reports a field written with another casing as an error, and still applies its rules', () => {
    const findings = checkFlow(flowReading("@triggerBody()?['customerEmail']"));
    expect(findings.map((finding) => `${finding.severity} ${finding.rule}`)).toEqual([
      'error wrong-case',
      'note one-to-one-only',
    ]);
    expect(findings[0]?.message).toContain('customerEmail is spelt CustomerEmail');
    expect(findings[0]?.message).toContain('write CustomerEmail');
  });
});

describe('checkFlow: the contract and the policies', () => {
  it('CancelReason: never set on created or updated; empty on 1:1 cancellations', () => {
    expect(rulesOf(flowReading("@triggerBody()?['CancelReason']", 'created'))).toEqual([
      'warning missing-for-trigger',
    ]);
    expect(rulesOf(flowReading("@triggerBody()?['CancelReason']", 'updated'))).toEqual([
      'warning missing-for-trigger',
    ]);
    const [cancelled] = checkFlow(flowReading("@triggerBody()?['CancelReason']", 'cancelled'));
    expect(cancelled).toMatchObject({
      severity: 'warning',
      rule: 'missing-for-trigger',
      policy: 'cancel-reason-missing-1on1',
    });
    expect(cancelled?.message).toContain("coalesce(triggerOutputs()?['body/CancelReason'], '')");
    expect(cancelled?.message).toContain(
      'Vary policy cancel-reason-missing-1on1 with run --matrix (on: [B] medium, the default; off: [A] weak)',
    );
  });

  it('CancelReason on a mailbox with only group services is not reported', () => {
    const groupOnly = {
      businesses: [
        {
          email: 'classes@contoso.example',
          displayName: 'Classes',
          services: [{ id: 'g', displayName: 'Yoga', maxAttendees: 10 }],
        },
      ],
    };
    expect(
      checkFlow(flowReading("@triggerBody()?['CancelReason']", 'cancelled', 'classes@contoso.example'), {
        seed: groupOnly,
      }),
    ).toEqual([]);
  });

  it('Answer of a question read in nested loops over customers and their answers', () => {
    const flow = flowReading({
      Each_customer: {
        type: 'Foreach',
        foreach: "@triggerBody()?['Customers']",
        actions: {
          Each_answer: {
            type: 'Foreach',
            foreach: "@items('Each_customer')?['Answers']",
            actions: { Compose: { type: 'Compose', inputs: "@{items('Each_answer')?['Answer']}" } },
          },
        },
      },
    });
    const findings = checkFlow(flow, { seed });
    expect(findings.map((finding) => `${finding.rule} ${finding.policy}`)).toEqual([
      'may-be-missing choice-answer-missing',
    ]);
    expect(findings[0]?.message).toContain('"Topic?"');
    expect(findings[0]?.message).toContain('SelectedOptions');
  });

  it('CustomerNotes: may be empty on 1:1 bookings and is 1:1-only', () => {
    expect(rulesOf(flowReading("@triggerBody()?['CustomerNotes']"))).toEqual([
      'warning may-be-missing customer-notes-missing-1on1',
      'note one-to-one-only',
    ]);
  });

  it('Duration, StartTime, EndTime, JoinWebURL, SelfServiceAppointmentId: notes with the policy to vary', () => {
    expect(rulesOf(flowReading("@triggerBody()?['Duration']"))).toEqual([
      'note uncertain-form buffers-in-times',
      'note uncertain-form duration-unit',
    ]);
    expect(checkFlow(flowReading("@triggerBody()?['Duration']"))[1]?.message).toContain('divide by 60');
    expect(rulesOf(flowReading("@triggerBody()?['EndTime']"))).toEqual([
      'note uncertain-form time-format',
      'note uncertain-form buffers-in-times',
    ]);
    expect(rulesOf(flowReading("@triggerBody()?['JoinWebURL']"))).toEqual([
      'note uncertain-form join-url-suffix',
    ]);
    expect(rulesOf(flowReading("@triggerBody()?['SelfServiceAppointmentId']"))).toEqual([
      'note uncertain-form self-service-id',
    ]);
  });

  it('Id is deprecated (with the self-service-id caveat); on updates an id may change', () => {
    expect(rulesOf(flowReading("@triggerBody()?['Id']"))).toEqual(['warning deprecated self-service-id']);
    expect(rulesOf(flowReading("@triggerBody()?['Id']", 'updated'))).toEqual([
      'warning deprecated self-service-id',
      'note uncertain-identity reschedule-new-id',
    ]);
    // A customer's or staff member's Id is not the deprecated one.
    expect(rulesOf(flowReading("@first(triggerBody()?['StaffMembers'])?['Id']"))).toEqual([]);
  });
});

describe('checkFlow: with a seed', () => {
  it('1:1-only fields on a mailbox with group services are warnings naming them', () => {
    const [finding] = checkFlow(flowReading("@triggerBody()?['CustomerEmail']"), { seed });
    expect(finding).toMatchObject({ severity: 'warning', rule: 'one-to-one-only' });
    expect(finding?.message).toContain('Cooking class (up to 8)');
    expect(finding?.message).toContain("items('Apply_to_each')?['Email']");
  });

  it('and are not reported on a mailbox with only 1:1 services', () => {
    expect(
      checkFlow(flowReading("@triggerBody()?['CustomerEmail']", 'created', 'clinic@contoso.example'), {
        seed,
      }),
    ).toEqual([]);
  });

  it('without a seed, a note says the field is 1:1-only', () => {
    const [finding] = checkFlow(flowReading("@triggerBody()?['CustomQuestionAnswers']"));
    expect(finding).toMatchObject({ severity: 'note', rule: 'one-to-one-only' });
    expect(finding?.message).toContain('--seed');
  });

  it('JoinWebURL on a mailbox without online services is a warning', () => {
    expect(
      rulesOf(flowReading("@triggerBody()?['JoinWebURL']", 'created', 'clinic@contoso.example'), { seed }),
    ).toEqual(['warning may-be-missing', 'note uncertain-form join-url-suffix']);
  });
});

describe('checkFlow: flows and rules', () => {
  it('a flow without a Bookings trigger gets a note', () => {
    const flow = { ...flowReading("@triggerBody()?['x']"), bookingsTriggers: [] };
    expect(checkFlow(flow)).toMatchObject([
      { severity: 'note', rule: 'no-bookings-trigger', action: 'When_booked' },
    ]);
  });

  it('every rule of the table is described, and every policy it names exists', () => {
    for (const rule of fieldRules) {
      expect(ruleDescriptions[rule.rule], rule.rule).toBeDefined();
      if (rule.policy) expect(policyNames).toContain(rule.policy);
    }
  });

  it('never throws on any expression a flow may hold, and every finding is well formed', () => {
    const names = fc.oneof(
      fc.constantFrom(
        'Customers',
        'customers',
        'Answers',
        'Answer',
        'StaffMembers',
        'CancelReason',
        'Id',
        '0',
        '*',
        '',
      ),
      fc.string({ maxLength: 12 }),
    );
    const expressions = fc.oneof(
      fc
        .array(names, { maxLength: 6 })
        .map((path) => `@triggerBody()${path.map((name) => `?['${name.replaceAll("'", "''")}']`).join('')}`),
      fc.string({ maxLength: 60 }).map((text) => `@${text}`),
    );
    fc.assert(
      fc.property(
        expressions,
        fc.constantFrom<Trigger>('created', 'updated', 'cancelled'),
        (expression, trigger) => {
          for (const finding of checkFlow(flowReading(expression, trigger), { seed })) {
            expect(['error', 'warning', 'note']).toContain(finding.severity);
            expect(ruleDescriptions[finding.rule]).toBeDefined();
            expect(finding.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
