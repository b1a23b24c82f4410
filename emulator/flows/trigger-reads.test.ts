import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TriggerRead, WorkflowAction, WorkflowDefinition } from './model.js';
import { findTriggerReads, scanTriggerReads } from './trigger-reads.js';

const triggerName = 'When_an_appointment_is_created';

/** A Bookings trigger as Power Automate exports it (docs/flows.md, "The files it reads"). */
function bookingsTrigger(extra: Record<string, unknown> = {}) {
  return {
    type: 'OpenApiConnectionWebhook',
    inputs: {
      host: {
        connectionName: 'shared_microsoftbookings',
        operationId: 'CreateAppointment',
        apiId: '/providers/Microsoft.PowerApps/apis/shared_microsoftbookings',
      },
      parameters: { SMTPAddress: 'contoso@contoso.onmicrosoft.com' },
      authentication: "@parameters('$authentication')",
    },
    ...extra,
  };
}

function flow(actions: Record<string, WorkflowAction>, trigger = bookingsTrigger()): WorkflowDefinition {
  return {
    $schema:
      'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      $connections: { defaultValue: {}, type: 'Object' },
      $authentication: { type: 'SecureObject' },
    },
    triggers: { [triggerName]: trigger },
    actions,
  };
}

/** One Compose action holding `inputs`. */
function compose(inputs: unknown, extra: Partial<WorkflowAction> = {}): WorkflowAction {
  return { type: 'Compose', inputs, runAfter: {}, ...extra };
}

function pathsOf(definition: WorkflowDefinition, trigger = triggerName): string[][] {
  return findTriggerReads(definition, trigger).map((read) => read.path);
}

/** The paths read by one expression string in a Compose action. */
function pathsIn(value: string): string[][] {
  return pathsOf(flow({ Compose: compose(value) }));
}

/** The value a JSON pointer names in a definition. */
function atPointer(definition: unknown, pointer: string): unknown {
  let value = definition;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

describe('findTriggerReads: reads of the trigger outputs', () => {
  it.each([
    ["@triggerOutputs()?['body/StartTime']", ['StartTime']],
    ["@triggerOutputs()?['body/CustomerLocation/DisplayName']", ['CustomerLocation', 'DisplayName']],
    ["@triggerOutputs()['body']['EndTime']", ['EndTime']],
    ["@triggerOutputs()?['body']?['ServiceName']", ['ServiceName']],
    ['@triggerOutputs().body.CustomerEmail', ['CustomerEmail']],
    ['@triggerOutputs()?.body?.CustomerEmail', ['CustomerEmail']],
    ["@triggerBody()?['CustomerName']", ['CustomerName']],
    [
      "@triggerBody()['CustomerLocation']['PhysicalAddress']?['City']",
      ['CustomerLocation', 'PhysicalAddress', 'City'],
    ],
    ["@trigger()?['outputs']?['body']?['JoinWebURL']", ['JoinWebURL']],
    ['@trigger().outputs.body.TrackingData', ['TrackingData']],
    ["@TriggerBody()?['ServiceId']", ['ServiceId']],
    ["@triggerOutputs()?['Body/ServiceId']", ['ServiceId']],
  ])('%s reads %j', (expression, path) => {
    expect(pathsIn(expression)).toEqual([path]);
  });

  it('reads an array item through first(), last() and an index', () => {
    expect(pathsIn("@first(triggerOutputs()?['body/StaffMembers'])?['EmailAddress']")).toEqual([
      ['StaffMembers', '*', 'EmailAddress'],
    ]);
    expect(pathsIn("@last(triggerBody()?['Customers'])?['Email']")).toEqual([['Customers', '*', 'Email']]);
    expect(pathsIn("@triggerBody()?['Customers']?[0]?['Name']")).toEqual([['Customers', '*', 'Name']]);
    expect(pathsIn("@triggerOutputs()?['body/StaffMembers'][1].DisplayName")).toEqual([
      ['StaffMembers', '*', 'DisplayName'],
    ]);
    expect(pathsIn("@first(first(triggerBody()?['Customers'])?['Answers'])?['Answer']")).toEqual([
      ['Customers', '*', 'Answers', '*', 'Answer'],
    ]);
    expect(pathsIn("@first(skip(triggerBody()?['Customers'], 1))?['Email']")).toEqual([
      ['Customers', '*', 'Email'],
    ]);
  });

  it('reads the whole body, or an array without a field, as that path', () => {
    expect(pathsIn('@triggerBody()')).toEqual([[]]);
    expect(pathsIn("@triggerOutputs()?['body']")).toEqual([[]]);
    expect(pathsIn("@triggerOutputs()?['body/Customers']")).toEqual([['Customers']]);
    expect(pathsIn("@length(triggerOutputs()?['body/Customers'])")).toEqual([['Customers']]);
    expect(pathsIn("@string(first(triggerBody()?['StaffMembers']))")).toEqual([['StaffMembers', '*']]);
  });

  it('reads every argument of other functions, as in the evidence flow', () => {
    expect(pathsIn("@string(triggerOutputs()?['body/Duration'])")).toEqual([['Duration']]);
    expect(
      pathsIn(
        "@concat(triggerOutputs()?['body/StartTime'], ' - ', formatDateTime(addMinutes(triggerBody()?['EndTime'], 10), 'o'))",
      ),
    ).toEqual([['StartTime'], ['EndTime']]);
    expect(
      pathsIn("@coalesce(triggerBody()?['CustomerPhone'], triggerBody()?['CustomerEmail'], '')"),
    ).toEqual([['CustomerPhone'], ['CustomerEmail']]);
    expect(pathsIn("@coalesce(triggerBody()?['StaffMembers'], json('[]'))?[0]?['Id']")).toEqual([
      ['StaffMembers', '*', 'Id'],
    ]);
  });

  it('keeps field names exactly as written', () => {
    expect(pathsIn("@triggerBody()?['customerEmail']")).toEqual([['customerEmail']]);
    expect(pathsIn("@triggerOutputs()?['body/StartDateTime']")).toEqual([['StartDateTime']]);
    expect(pathsIn('@triggerOutputs().body.STARTTIME')).toEqual([['STARTTIME']]);
    expect(pathsIn("@first(triggerBody()?['staffMembers'])?['emailaddress']")).toEqual([
      ['staffMembers', '*', 'emailaddress'],
    ]);
  });

  it('finds every read of an interpolated string, braces in quoted strings included', () => {
    const definition = flow({
      Send_an_email: {
        type: 'OpenApiConnection',
        inputs: {
          parameters: {
            'emailMessage/Subject':
              "Booking @{triggerBody()?['ServiceName']} {@{concat('}', triggerBody()?['CustomerName'], '{')}}",
            'emailMessage/Body':
              "<p>Starts @{formatDateTime(triggerOutputs()?['body/StartTime'], 'HH:mm')}; host @{first(triggerBody()?['StaffMembers'])?['DisplayName']}</p>@@{triggerBody()?['Ignored']}",
          },
        },
      },
    });
    expect(findTriggerReads(definition, triggerName)).toEqual([
      {
        action: 'Send_an_email',
        expression: "triggerBody()?['ServiceName']",
        path: ['ServiceName'],
        pointer: '/actions/Send_an_email/inputs/parameters/emailMessage~1Subject',
      },
      {
        action: 'Send_an_email',
        expression: "concat('}', triggerBody()?['CustomerName'], '{')",
        path: ['CustomerName'],
        pointer: '/actions/Send_an_email/inputs/parameters/emailMessage~1Subject',
      },
      {
        action: 'Send_an_email',
        expression: "formatDateTime(triggerOutputs()?['body/StartTime'], 'HH:mm')",
        path: ['StartTime'],
        pointer: '/actions/Send_an_email/inputs/parameters/emailMessage~1Body',
      },
      {
        action: 'Send_an_email',
        expression: "first(triggerBody()?['StaffMembers'])?['DisplayName']",
        path: ['StaffMembers', '*', 'DisplayName'],
        pointer: '/actions/Send_an_email/inputs/parameters/emailMessage~1Body',
      },
    ]);
  });

  it('ignores what is not the trigger outputs', () => {
    expect(
      pathsOf(
        flow({
          A: compose("@outputs('Get_item')?['body/Title']"),
          B: compose("@body('HTTP')?['StartTime']"),
          C: compose("@variables('start')"),
          D: compose("@triggerOutputs()?['headers']?['x-ms-date']"),
          E: compose("@trigger()?['startTime']"),
          F: compose("@parameters('$connections')['shared_microsoftbookings']['connectionId']"),
          G: compose("@items('Not_a_loop')?['Name']"),
          H: compose("@item()?['Name']"),
          I: compose("Literal text with triggerBody()?['X'] and an @ sign and @@{triggerBody()?['Y']}"),
          J: compose({ number: 1, flag: true, nothing: null, list: ['@utcNow()'] }),
        }),
      ),
    ).toEqual([]);
  });

  it('reports one read once, and each read of one expression', () => {
    const reads = findTriggerReads(
      flow({
        A: compose(
          "@{triggerBody()?['Id']} @{triggerBody()?['Id']} @{concat(triggerBody()?['Id'], triggerBody()?['ServiceId'])}",
        ),
      }),
      triggerName,
    );
    expect(reads.map((read) => [read.expression, read.path])).toEqual([
      ["triggerBody()?['Id']", ['Id']],
      ["concat(triggerBody()?['Id'], triggerBody()?['ServiceId'])", ['Id']],
      ["concat(triggerBody()?['Id'], triggerBody()?['ServiceId'])", ['ServiceId']],
    ]);
  });

  it('trims the whitespace around an expression', () => {
    const [read] = findTriggerReads(
      flow({ A: compose("Hi @{ triggerBody()?['CustomerName'] }") }),
      triggerName,
    );
    expect(read?.expression).toBe("triggerBody()?['CustomerName']");
  });
});

describe('findTriggerReads: Parse JSON of the trigger body', () => {
  const schema = { type: 'object', properties: {} };

  it.each([
    ['@triggerBody()'],
    ["@triggerOutputs()?['body']"],
    ["@triggerOutputs()['body']"],
    ['@{triggerBody()}'],
  ])('follows body() of a Parse JSON whose content is %s', (content) => {
    const definition = flow({
      Parse_JSON: { type: 'ParseJson', inputs: { content, schema }, runAfter: {} },
      Create_item: {
        type: 'OpenApiConnection',
        inputs: {
          parameters: {
            'item/Title': "@body('Parse_JSON')?['ServiceName']",
            'item/Host': "@{first(body('Parse_JSON')?['StaffMembers'])?['EmailAddress']}",
          },
        },
        runAfter: { Parse_JSON: ['Succeeded'] },
      },
    });
    expect(findTriggerReads(definition, triggerName)).toEqual([
      {
        action: 'Parse_JSON',
        expression: content.replace(/^@\{?|\}$/g, ''),
        path: [],
        pointer: '/actions/Parse_JSON/inputs/content',
      },
      {
        action: 'Create_item',
        expression: "body('Parse_JSON')?['ServiceName']",
        path: ['ServiceName'],
        pointer: '/actions/Create_item/inputs/parameters/item~1Title',
      },
      {
        action: 'Create_item',
        expression: "first(body('Parse_JSON')?['StaffMembers'])?['EmailAddress']",
        path: ['StaffMembers', '*', 'EmailAddress'],
        pointer: '/actions/Create_item/inputs/parameters/item~1Host',
      },
    ]);
  });

  it("follows outputs('Parse_JSON')?['body'], chains of Parse JSON, and Parse JSON of a part", () => {
    const definition = flow({
      Parse_JSON: { type: 'ParseJson', inputs: { content: '@triggerBody()', schema } },
      Parse_again: { type: 'ParseJson', inputs: { content: "@body('Parse_JSON')", schema } },
      Parse_location: {
        type: 'ParseJson',
        inputs: { content: "@body('Parse_again')?['CustomerLocation']", schema },
      },
      A: compose("@outputs('Parse_JSON')?['body']?['CancelReason']"),
      B: compose("@outputs('Parse_JSON')?['body/CustomerNotes']"),
      C: compose("@body('Parse_again')?['Duration']"),
      D: compose("@body('Parse_location')?['DisplayName']"),
      E: compose("@body('parse_json')?['ServiceNotes']"),
    });
    expect(findTriggerReads(definition, triggerName).map((read) => [read.action, read.path])).toEqual([
      ['Parse_JSON', []],
      ['Parse_again', []],
      ['Parse_location', ['CustomerLocation']],
      ['A', ['CancelReason']],
      ['B', ['CustomerNotes']],
      ['C', ['Duration']],
      ['D', ['CustomerLocation', 'DisplayName']],
      ['E', ['ServiceNotes']],
    ]);
  });

  it("follows outputs('Compose') of a Compose of the trigger body", () => {
    const definition = flow({
      Compose_body: compose('@triggerBody()'),
      A: compose("@outputs('Compose_body')?['MaxAttendeesCount']"),
    });
    expect(pathsOf(definition)).toEqual([[], ['MaxAttendeesCount']]);
  });

  it('ignores Parse JSON of something else, and cycles', () => {
    const definition = flow({
      Parse_HTTP: { type: 'ParseJson', inputs: { content: "@body('HTTP')", schema } },
      Parse_mixed: { type: 'ParseJson', inputs: { content: 'x @{triggerBody()}', schema } },
      Loop_1: { type: 'ParseJson', inputs: { content: "@body('Loop_2')", schema } },
      Loop_2: { type: 'ParseJson', inputs: { content: "@body('Loop_1')", schema } },
      A: compose("@body('Parse_HTTP')?['StartTime']"),
      B: compose("@body('Parse_mixed')?['StartTime']"),
      C: compose("@body('Loop_1')?['StartTime']"),
    });
    expect(findTriggerReads(definition, triggerName).map((read) => [read.action, read.path])).toEqual([
      ['Parse_mixed', []],
    ]);
  });
});

describe('findTriggerReads: loops over trigger arrays', () => {
  it("reads items('Loop') and item() as the array's items", () => {
    const definition = flow({
      Apply_to_each: {
        type: 'Foreach',
        foreach: "@triggerOutputs()?['body/Customers']",
        actions: {
          Send: {
            type: 'OpenApiConnection',
            inputs: {
              parameters: { To: "@items('Apply_to_each')?['Email']", Subject: "Hi @{item()?['Name']}" },
            },
          },
        },
      },
    });
    expect(findTriggerReads(definition, triggerName)).toEqual([
      {
        action: 'Apply_to_each',
        expression: "triggerOutputs()?['body/Customers']",
        path: ['Customers'],
        pointer: '/actions/Apply_to_each/foreach',
      },
      {
        action: 'Send',
        expression: "items('Apply_to_each')?['Email']",
        path: ['Customers', '*', 'Email'],
        pointer: '/actions/Apply_to_each/actions/Send/inputs/parameters/To',
      },
      {
        action: 'Send',
        expression: "item()?['Name']",
        path: ['Customers', '*', 'Name'],
        pointer: '/actions/Apply_to_each/actions/Send/inputs/parameters/Subject',
      },
    ]);
  });

  it.each([
    ["@triggerBody()?['StaffMembers']", 'EmailAddress', ['StaffMembers', '*', 'EmailAddress']],
    ["@triggerOutputs()?['body/CustomQuestionAnswers']", 'Answer', ['CustomQuestionAnswers', '*', 'Answer']],
    [
      "@triggerBody()?['Customers']?[0]?['Answers']",
      'Question',
      ['Customers', '*', 'Answers', '*', 'Question'],
    ],
    [
      "@first(triggerBody()?['Customers'])?['Answers']",
      'SelectedOptions',
      ['Customers', '*', 'Answers', '*', 'SelectedOptions'],
    ],
  ])('a loop over %s reads %s at %j', (foreach, field, path) => {
    const definition = flow({
      Loop: { type: 'Foreach', foreach, actions: { Use: compose(`@items('Loop')?['${field}']`) } },
    });
    expect(findTriggerReads(definition, triggerName).filter((read) => read.action === 'Use')).toEqual([
      {
        action: 'Use',
        expression: `items('Loop')?['${field}']`,
        path,
        pointer: '/actions/Loop/actions/Use/inputs',
      },
    ]);
  });

  it('reads nested loops, with item() the innermost one and items() any around', () => {
    const definition = flow({
      Outer: {
        type: 'Foreach',
        foreach: "@triggerOutputs()?['body/Customers']",
        actions: {
          Inner: {
            type: 'Foreach',
            foreach: "@items('Outer')?['Answers']",
            actions: {
              Scope: {
                type: 'Scope',
                actions: {
                  Use: compose(
                    "@{items('Inner')?['Answer']} @{item()?['Question']} @{items('Outer')?['Email']} @{items('Inner')?['SelectedOptions']?[0]}",
                  ),
                },
              },
            },
            runAfter: {},
          },
          After_inner: compose("@item()?['TimeZone']", { runAfter: { Inner: ['Succeeded'] } }),
        },
      },
    });
    expect(findTriggerReads(definition, triggerName).map((read) => [read.action, read.path])).toEqual([
      ['Outer', ['Customers']],
      ['Inner', ['Customers', '*', 'Answers']],
      ['Use', ['Customers', '*', 'Answers', '*', 'Answer']],
      ['Use', ['Customers', '*', 'Answers', '*', 'Question']],
      ['Use', ['Customers', '*', 'Email']],
      ['Use', ['Customers', '*', 'Answers', '*', 'SelectedOptions', '*']],
      ['After_inner', ['Customers', '*', 'TimeZone']],
    ]);
  });

  it('follows a loop over a Parse JSON array, and Parse JSON of a loop item', () => {
    const schema = {};
    const definition = flow({
      Parse_JSON: { type: 'ParseJson', inputs: { content: "@triggerOutputs()?['body']", schema } },
      Loop: {
        type: 'Foreach',
        foreach: "@body('Parse_JSON')?['StaffMembers']",
        actions: {
          Parse_staff: { type: 'ParseJson', inputs: { content: "@items('Loop')", schema } },
          Use: compose("@body('Parse_staff')?['Id']"),
        },
      },
    });
    expect(findTriggerReads(definition, triggerName).map((read) => [read.action, read.path])).toEqual([
      ['Parse_JSON', []],
      ['Loop', ['StaffMembers']],
      ['Parse_staff', ['StaffMembers', '*']],
      ['Use', ['StaffMembers', '*', 'Id']],
    ]);
  });

  it('reads item() in a Select or Filter array over a trigger array', () => {
    const definition = flow({
      Select: {
        type: 'Select',
        inputs: { from: "@triggerBody()?['StaffMembers']", select: { mail: "@item()?['EmailAddress']" } },
      },
      Filter_array: {
        type: 'Query',
        inputs: { from: "@triggerBody()?['Customers']", where: "@equals(item()?['TimeZone'], 'UTC')" },
      },
    });
    expect(
      findTriggerReads(definition, triggerName).map((read) => [read.action, read.pointer, read.path]),
    ).toEqual([
      ['Select', '/actions/Select/inputs/from', ['StaffMembers']],
      ['Select', '/actions/Select/inputs/select/mail', ['StaffMembers', '*', 'EmailAddress']],
      ['Filter_array', '/actions/Filter_array/inputs/from', ['Customers']],
      ['Filter_array', '/actions/Filter_array/inputs/where', ['Customers', '*', 'TimeZone']],
    ]);
  });

  it('does not follow loops over other arrays', () => {
    const definition = flow({
      Loop: {
        type: 'Foreach',
        foreach: "@body('Get_items')?['value']",
        actions: { Use: compose("@items('Loop')?['Title']") },
      },
    });
    expect(pathsOf(definition)).toEqual([]);
  });
});

describe('findTriggerReads: where the expressions stand', () => {
  it('reads conditions, else branches, switch expressions, cases and defaults, scopes and until loops', () => {
    // model.ts types a case as { actions } only; a real one also has its `case` value.
    const cases = {
      Case: { case: 'svc-1', actions: { In_case: compose("@triggerBody()?['MaxAttendeesCount']") } },
      Case_2: { case: 'svc-2', actions: {} },
    };
    const definition = flow({
      Condition: {
        type: 'If',
        expression: {
          and: [
            { equals: ["@triggerOutputs()?['body/ServiceName']", 'Intro call'] },
            { not: { equals: ["@empty(triggerBody()?['CancelReason'])", true] } },
          ],
        },
        actions: { Yes: compose("@triggerBody()?['CustomerEmail']") },
        else: { actions: { No: compose("@triggerBody()?['CustomerPhone']") } },
        runAfter: {},
      },
      Switch: {
        type: 'Switch',
        expression: "@triggerBody()?['ServiceId']",
        cases,
        default: { actions: { In_default: compose("@triggerBody()?['FilledAttendeesCount']") } },
      },
      Scope: {
        type: 'Scope',
        actions: {
          Until: {
            type: 'Until',
            expression: "@equals(triggerBody()?['IsSMSNotificationsEnabled'], true)",
            limit: { count: 2 },
            actions: { In_until: compose("@triggerBody()?['JoinWebURL']") },
          },
        },
      },
    });
    const reads = findTriggerReads(definition, triggerName);
    expect(reads.map((read) => [read.action, read.pointer, read.path])).toEqual([
      ['Condition', '/actions/Condition/expression/and/0/equals/0', ['ServiceName']],
      ['Condition', '/actions/Condition/expression/and/1/not/equals/0', ['CancelReason']],
      ['Yes', '/actions/Condition/actions/Yes/inputs', ['CustomerEmail']],
      ['No', '/actions/Condition/else/actions/No/inputs', ['CustomerPhone']],
      ['Switch', '/actions/Switch/expression', ['ServiceId']],
      ['In_case', '/actions/Switch/cases/Case/actions/In_case/inputs', ['MaxAttendeesCount']],
      ['In_default', '/actions/Switch/default/actions/In_default/inputs', ['FilledAttendeesCount']],
      ['Until', '/actions/Scope/actions/Until/expression', ['IsSMSNotificationsEnabled']],
      ['In_until', '/actions/Scope/actions/Until/actions/In_until/inputs', ['JoinWebURL']],
    ]);
    for (const read of reads) {
      expect(String(atPointer(definition, read.pointer))).toContain(read.expression);
    }
  });

  it("reads the trigger's own conditions and splitOn, for the trigger's name", () => {
    const definition = flow(
      { Use: compose("@triggerBody()?['Email']") },
      bookingsTrigger({
        conditions: [{ expression: "@equals(triggerBody()?['ServiceId'], 'svc-1')" }],
        splitOn: "@triggerBody()?['Customers']",
      }),
    );
    expect(findTriggerReads(definition, triggerName)).toEqual([
      {
        action: triggerName,
        expression: "equals(triggerBody()?['ServiceId'], 'svc-1')",
        path: ['ServiceId'],
        pointer: `/triggers/${triggerName}/conditions/0/expression`,
      },
      {
        action: triggerName,
        expression: "triggerBody()?['Customers']",
        path: ['Customers'],
        pointer: `/triggers/${triggerName}/splitOn`,
      },
      // With splitOn, each run's body is one customer.
      {
        action: 'Use',
        expression: "triggerBody()?['Email']",
        path: ['Customers', '*', 'Email'],
        pointer: '/actions/Use/inputs',
      },
    ]);
  });

  it('escapes action names and keys in pointers', () => {
    const definition = flow({ 'Send a/b~c': compose({ 'to/~x': "@triggerBody()?['CustomerEmail']" }) });
    const [read] = findTriggerReads(definition, triggerName);
    expect(read?.pointer).toBe('/actions/Send a~1b~0c/inputs/to~1~0x');
    expect(read && atPointer(definition, read.pointer)).toBe("@triggerBody()?['CustomerEmail']");
  });

  it('does not read runAfter, and reads actions in document order', () => {
    const definition = flow({
      Second: compose("@triggerBody()?['B']", { runAfter: { First: ['Succeeded'] } }),
      First: compose("@triggerBody()?['A']", { runAfter: { "@triggerBody()?['Nope']": ['Succeeded'] } }),
    });
    expect(pathsOf(definition)).toEqual([['B'], ['A']]);
  });
});

describe('findTriggerReads: which trigger', () => {
  const twoTriggers: WorkflowDefinition = {
    triggers: {
      [triggerName]: bookingsTrigger({
        conditions: [{ expression: "@not(empty(triggerBody()?['ServiceId']))" }],
      }),
      Manual: { type: 'Request', kind: 'Button', inputs: {} },
    },
    actions: { Use: compose("@triggerBody()?['StartTime']") },
  };

  it("attributes actions' reads only when the trigger is the only one", () => {
    expect(findTriggerReads(twoTriggers, triggerName).map((read) => [read.action, read.path])).toEqual([
      [triggerName, ['ServiceId']],
    ]);
    expect(findTriggerReads(twoTriggers, 'Manual')).toEqual([]);
  });

  it('finds nothing for a trigger that is not there', () => {
    expect(findTriggerReads(flow({ Use: compose("@triggerBody()?['StartTime']") }), 'Other')).toEqual([]);
    expect(
      findTriggerReads({ actions: { Use: compose("@triggerBody()?['StartTime']") } }, triggerName),
    ).toEqual([]);
    expect(findTriggerReads(flow({}), 'toString')).toEqual([]);
  });
});

describe('scanTriggerReads: expressions that do not parse', () => {
  it('returns them as problems with the action, pointer and offset, and keeps going', () => {
    const scan = scanTriggerReads(
      flow({
        Bad: compose("@triggerBody()?['StartTime'"),
        Half: compose("ok @{triggerBody()?['EndTime']} broken @{ concat('a' }"),
      }),
      triggerName,
    );
    expect(scan.reads.map((read) => [read.action, read.path])).toEqual([['Half', ['EndTime']]]);
    expect(scan.problems).toEqual([
      {
        action: 'Bad',
        expression: "triggerBody()?['StartTime'",
        problem: "expected ']', found the end of the expression",
        offset: 26,
        pointer: '/actions/Bad/inputs',
      },
      {
        action: 'Half',
        expression: "concat('a'",
        problem: "expected ',' or ')' in the arguments of concat(), found the end of the expression",
        offset: 10,
        pointer: '/actions/Half/inputs',
      },
    ]);
  });
});

describe('findTriggerReads on hostile definitions', () => {
  it('survives odd shapes', () => {
    const odd = [
      { triggers: { [triggerName]: {} } },
      { triggers: { [triggerName]: bookingsTrigger() }, actions: [] },
      { triggers: { [triggerName]: bookingsTrigger() }, actions: 'x' },
      {
        triggers: { [triggerName]: bookingsTrigger() },
        actions: { A: null, B: 'x', C: [], D: { actions: 5, else: 'y', cases: [1], default: null } },
      },
      { triggers: { [triggerName]: null } },
      { triggers: [] },
      {
        triggers: { [triggerName]: bookingsTrigger({ splitOn: 5, conditions: 'x' }) },
        actions: { L: { type: 'Foreach', foreach: {} } },
      },
    ] as unknown as WorkflowDefinition[];
    for (const definition of odd) expect(() => findTriggerReads(definition, triggerName)).not.toThrow();
  });

  it('walks deeply nested scopes and values without overflowing the stack', () => {
    let actions: Record<string, WorkflowAction> = { Leaf: compose("@triggerBody()?['StartTime']") };
    for (let depth = 0; depth < 5_000; depth++) actions = { [`Scope_${depth}`]: { type: 'Scope', actions } };
    let value: unknown = "@triggerBody()?['EndTime']";
    for (let depth = 0; depth < 5_000; depth++) value = { nested: [value] };
    actions.Deep_value = compose(value);
    const reads = findTriggerReads(flow(actions), triggerName);
    expect(reads.map((read) => read.path)).toEqual([['StartTime'], ['EndTime']]);
  });

  it('never throws on generated definitions (fuzz)', () => {
    const expression = fc.constantFrom(
      "@triggerBody()?['StartTime']",
      "@items('L')?['Email']",
      "@item()?['Name']",
      "@body('P')?['X']",
      "@{triggerOutputs()?['body/Customers']}",
      '@triggerBody(',
      "@first(body('P'))",
      '@{',
      "@outputs('C')",
    );
    const leaf = fc.oneof(expression, fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null));
    const name = fc.constantFrom('L', 'P', 'C', 'Q', 'S');
    const { action } = fc.letrec<{ action: Record<string, unknown>; actions: Record<string, unknown> }>(
      (tie) => ({
        action: fc.record(
          {
            type: fc.constantFrom(
              'Foreach',
              'ParseJson',
              'Compose',
              'Select',
              'Query',
              'If',
              'Switch',
              'Scope',
              'Weird',
            ),
            inputs: fc.oneof(leaf, fc.record({ content: leaf, from: leaf, select: leaf })),
            foreach: leaf,
            expression: leaf,
            actions: tie('actions'),
            else: fc.record({ actions: tie('actions') }),
            cases: fc.dictionary(name, fc.record({ case: leaf, actions: tie('actions') }), { maxKeys: 2 }),
          },
          { requiredKeys: ['type'] },
        ),
        actions: fc.oneof(
          { maxDepth: 3, depthIdentifier: 'actions' },
          fc.constant({}),
          fc.dictionary(name, tie('action'), { maxKeys: 3 }),
        ),
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(name, action, { maxKeys: 4 }), leaf, (actions, splitOn) => {
        const definition = flow(actions as Record<string, WorkflowAction>, bookingsTrigger({ splitOn }));
        const reads: TriggerRead[] = findTriggerReads(definition, triggerName);
        for (const read of reads) expect(typeof atPointer(definition, read.pointer)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
