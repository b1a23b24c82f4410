import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingsApiId, bookingsTrigger } from '../testing/flows.js';
import { FlowReadError } from './model.js';
import { readFlowFile, readFlowJsonFileSync } from './read-flow.js';
import { readZipEntries, zipLimits } from './zip.js';

let dir = '';
let counter = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bookings-read-flow-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Uint8Array): string {
  const folder = join(dir, String(++counter));
  const file = join(folder, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const json = (value: unknown) => strToU8(JSON.stringify(value, null, 2));

function definition(triggers: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    $schema:
      'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      $connections: { defaultValue: {}, type: 'Object' },
      $authentication: { defaultValue: {}, type: 'SecureObject' },
    },
    triggers,
    actions: {
      Compose_start: { type: 'Compose', inputs: "@triggerOutputs()?['body/StartTime']", runAfter: {} },
    },
    ...extra,
  };
}

const flowId = '5b0b4a3c-96a1-4c5e-9d3e-0f6a2c1d8e77';

/** Microsoft.Flow/flows/<id>/definition.json of an export package. */
function packageDefinition(displayName: string, workflow: unknown) {
  return {
    name: flowId,
    id: `/providers/Microsoft.Flow/flows/${flowId}`,
    type: 'Microsoft.Flow/flows',
    properties: {
      apiId: '/providers/Microsoft.PowerApps/apis/shared_logicflows',
      displayName,
      definition: workflow,
      connectionReferences: {
        shared_microsoftbookings: {
          connectionName: 'shared-microsoftbook-0c1f2e3d',
          source: 'Invoker',
          id: bookingsApiId,
          tier: 'NotSpecified',
        },
      },
      flowFailureAlertSubscribed: false,
    },
  };
}

function manifest(resourceKey: string, displayName: string) {
  return {
    schema: '1.0',
    details: { displayName: 'Bookings flows', createdTime: '2026-06-01T00:00:00Z', creator: 'N/A' },
    resources: {
      [resourceKey]: {
        type: 'Microsoft.Flow/flows',
        suggestedCreationType: 'Update',
        creationType: 'Existing, New, Update',
        details: { displayName },
        configurableBy: 'User',
        hierarchy: 'Root',
        dependsOn: ['api1'],
      },
      api1: {
        id: bookingsApiId,
        name: 'shared_microsoftbookings',
        type: 'Microsoft.PowerApps/apis',
        suggestedCreationType: 'Existing',
        details: { displayName: 'Microsoft Bookings' },
        configurableBy: 'System',
        hierarchy: 'Child',
        dependsOn: [],
      },
    },
  };
}

function exportPackage(workflow: unknown, flowName = 'Notify on booking'): Zippable {
  return {
    'manifest.json': json(manifest(flowId, flowName)),
    [`Microsoft.Flow/flows/${flowId}/definition.json`]: json(packageDefinition('Old name', workflow)),
    [`Microsoft.Flow/flows/${flowId}/apisMap.json`]: json({ shared_microsoftbookings: 'api1' }),
    [`Microsoft.Flow/flows/${flowId}/connectionsMap.json`]: json({ shared_microsoftbookings: 'conn1' }),
  };
}

const writeZip = (files: Zippable, name = 'flow.zip') => write(name, zipSync(files));

async function readError(file: string): Promise<FlowReadError> {
  const error = await readFlowFile(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a FlowReadError').toBeInstanceOf(FlowReadError);
  const flowError = error as FlowReadError;
  expect(flowError.file).toBe(file);
  expect(flowError.message.startsWith(`${file}: `)).toBe(true);
  return flowError;
}

const created = bookingsTrigger('CreateAppointment');

describe('readFlowFile: the forms users have', () => {
  it('a Power Automate export package: the definition under Microsoft.Flow/flows/<id>/, named by the manifest', async () => {
    const file = writeZip(exportPackage(definition({ When_an_appointment_is_created: created })));
    const [flow, ...others] = await readFlowFile(file);
    expect(others).toEqual([]);
    expect(flow).toMatchObject({
      file,
      entry: `Microsoft.Flow/flows/${flowId}/definition.json`,
      name: 'Notify on booking',
      bookingsTriggers: [
        {
          name: 'When_an_appointment_is_created',
          operationId: 'CreateAppointment',
          trigger: 'created',
          mailbox: 'lunch@contoso.example',
        },
      ],
    });
    expect(flow?.definition.actions).toHaveProperty('Compose_start');
  });

  it('a package without a manifest name falls back to the definition display name, then the folder id', async () => {
    const files = exportPackage(definition({ When: created }));
    delete files['manifest.json'];
    expect((await readFlowFile(writeZip(files)))[0]?.name).toBe('Old name');
    const bare = {
      [`Microsoft.Flow/flows/${flowId}/definition.json`]: json({ properties: { definition: {} } }),
    };
    expect((await readFlowFile(writeZip(bare)))[0]?.name).toBe(flowId);
  });

  it('a solution export: Workflows/<name>-<GUID>.json, the definition under properties.definition, named by the file', async () => {
    const solutionFlow = {
      properties: {
        connectionReferences: {
          shared_microsoftbookings_1: {
            runtimeSource: 'embedded',
            connection: { connectionReferenceLogicalName: 'cr_sharedmicrosoftbookings_4f2a1' },
            api: { name: 'shared_microsoftbookings' },
          },
        },
        definition: definition({
          // A second connection of the same API, and only connectionName in the host.
          When_an_appointment_is_updated: {
            type: 'OpenApiConnectionWebhook',
            inputs: {
              host: { connectionName: 'shared_microsoftbookings_1', operationId: 'UpdateAppointment' },
              parameters: { SMTPAddress: 'clinic@contoso.example' },
              authentication: "@parameters('$authentication')",
            },
          },
        }),
      },
      schemaVersion: '1.0.0.0',
    };
    const file = writeZip(
      {
        '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types/>'),
        'solution.xml': strToU8('<ImportExportXml/>'),
        'customizations.xml': strToU8('<ImportExportXml/>'),
        'Workflows/ReminderOnUpdate-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D.json': json(solutionFlow),
        'Workflows/ClassicWorkflow-11111111-2222-3333-4444-555555555555.xaml': strToU8('<Activity/>'),
      },
      'BookingsSolution_1_0_0_1.zip',
    );
    const flows = await readFlowFile(file);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({
      entry: 'Workflows/ReminderOnUpdate-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D.json',
      name: 'ReminderOnUpdate',
      bookingsTriggers: [
        { name: 'When_an_appointment_is_updated', operationId: 'UpdateAppointment', trigger: 'updated' },
      ],
    });
    expect(flows[0]?.bookingsTriggers[0]?.mailbox).toBe('clinic@contoso.example');
  });

  it('a bare definition.json, with triggers and actions at the top', async () => {
    const file = write(
      'definition.json',
      json(definition({ On_cancel: bookingsTrigger('CancelAppointment') })),
    );
    const [flow] = await readFlowFile(file);
    expect(flow).toMatchObject({ file, name: 'definition', bookingsTriggers: [{ trigger: 'cancelled' }] });
    expect(flow?.entry).toBeUndefined();
  });

  it("a package's definition.json given alone keeps its display name", async () => {
    const file = write(
      'definition.json',
      json(packageDefinition('Notify on booking', definition({ T: created }))),
    );
    expect((await readFlowFile(file))[0]?.name).toBe('Notify on booking');
  });

  it('a Logic Apps Standard workflow.json ({ definition, kind }), named by its folder', async () => {
    const workflow = {
      definition: definition({
        When_an_appointment_is_updated: {
          type: 'ApiConnectionWebhook',
          inputs: {
            host: { connection: { referenceName: 'microsoftbookings' } },
            body: {
              notificationURL: '@{listCallbackUrl()}',
              resource: 'Appointments',
              changeType: ['Updated'],
            },
            path: "/api/v1.0/bookingBusinesses/@{encodeURIComponent('lunch@contoso.example')}/webhooks/AppointmentUpdated",
          },
        },
      }),
      kind: 'Stateful',
    };
    const file = write(join('on-booking-updated', 'workflow.json'), json(workflow));
    const [flow] = await readFlowFile(file);
    expect(flow).toMatchObject({
      name: 'on-booking-updated',
      bookingsTriggers: [
        { operationId: 'UpdateAppointment', trigger: 'updated', mailbox: 'lunch@contoso.example' },
      ],
    });
  });

  it('a Logic Apps Consumption workflow: ApiConnectionWebhook, the connection named through $connections', async () => {
    // The shape of the Logic Apps code view: the trigger names its connection by a $connections key
    // (any name), whose value names the managed API; the mailbox and the operation are in the path.
    const consumption = {
      definition: definition(
        {
          When_an_appointment_is_cancelled: {
            type: 'ApiConnectionWebhook',
            inputs: {
              host: { connection: { name: "@parameters('$connections')['bookings-1']['connectionId']" } },
              body: {
                notificationURL: '@{listCallbackUrl()}',
                resource: 'Appointments',
                changeType: ['Deleted'],
              },
              path: "/api/v1.0/bookingBusinesses/@{encodeURIComponent(encodeURIComponent('lunch@contoso.example'))}/webhooks/AppointmentDeleted",
            },
          },
          Outlook: {
            type: 'ApiConnectionWebhook',
            inputs: {
              host: { connection: { name: "@parameters('$connections')['office365']['connectionId']" } },
              path: '/MailSubscriptionPoke/$subscriptions',
            },
          },
        },
        { outputs: {} },
      ),
      parameters: {
        $connections: {
          value: {
            'bookings-1': {
              connectionId:
                '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/connections/bookings-1',
              connectionName: 'bookings-1',
              id: '/subscriptions/0000/providers/Microsoft.Web/locations/westeurope/managedApis/microsoftbookings',
            },
            office365: {
              connectionId:
                '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/connections/office365',
              connectionName: 'office365',
              id: '/subscriptions/0000/providers/Microsoft.Web/locations/westeurope/managedApis/office365',
            },
          },
        },
      },
    };
    const [flow] = await readFlowFile(write('consumption.json', json(consumption)));
    expect(flow?.bookingsTriggers).toEqual([
      {
        name: 'When_an_appointment_is_cancelled',
        operationId: 'CancelAppointment',
        trigger: 'cancelled',
        mailbox: 'lunch@contoso.example',
      },
    ]);
  });

  it('a Consumption resource (properties.definition, properties.parameters) and a literal path', async () => {
    const resource = {
      type: 'Microsoft.Logic/workflows',
      properties: {
        definition: definition({
          T: {
            type: 'ApiConnectionWebhook',
            inputs: {
              host: {
                connection: { name: "@parameters('$connections')['microsoftbookings']['connectionId']" },
              },
              path: '/BookingsService/api/V1/bookingBusinesses/clinic%40contoso.example/webhook/AppointmentCreated',
            },
          },
        }),
        parameters: { $connections: { value: {} } },
      },
    };
    const [flow] = await readFlowFile(write('workflow-resource.json', json(resource)));
    expect(flow?.bookingsTriggers).toMatchObject([{ trigger: 'created', mailbox: 'clinic@contoso.example' }]);
  });

  it('a Consumption trigger on the backend path takes its operation from the change type of its body', async () => {
    const workflow = definition({
      T: {
        type: 'ApiConnectionWebhook',
        inputs: {
          host: { connection: { name: "@parameters('$connections')['microsoftbookings']['connectionId']" } },
          body: {
            webhook: {
              notification_url: '@{listCallbackUrl()}',
              resource: 'Appointments',
              change_type: ['Updated'],
            },
          },
          path: "/BookingsService/api/V1/bookingBusinesses/@{encodeURIComponent('lunch@contoso.example')}/webhook/",
        },
      },
    });
    const [flow] = await readFlowFile(write('backend.json', json({ definition: workflow })));
    expect(flow?.bookingsTriggers).toMatchObject([{ trigger: 'updated', mailbox: 'lunch@contoso.example' }]);
  });

  it('a flow with no Bookings trigger is no error: its list is empty', async () => {
    const forms = definition({
      When_a_new_response_is_submitted: {
        type: 'OpenApiConnectionWebhook',
        inputs: {
          host: {
            connectionName: 'shared_microsoftforms',
            operationId: 'CreateFormWebhook',
            apiId: '/providers/Microsoft.PowerApps/apis/shared_microsoftforms',
          },
          parameters: { form_id: 'x' },
        },
      },
      manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } },
      // A Bookings connection with an operation that is no appointment trigger.
      Other: bookingsTrigger('DeleteWebhook'),
    });
    const [flow] = await readFlowFile(write('forms.json', json(definition({}))));
    expect(flow?.bookingsTriggers).toEqual([]);
    expect((await readFlowFile(write('forms2.json', json(forms))))[0]?.bookingsTriggers).toEqual([]);
  });

  it('an apiId of another API wins over a Bookings-like connection name', async () => {
    const trigger = bookingsTrigger('CreateAppointment', 'lunch@contoso.example', {
      apiId: '/providers/Microsoft.PowerApps/apis/shared_office365',
    });
    expect(
      (await readFlowFile(write('d.json', json(definition({ T: trigger })))))[0]?.bookingsTriggers,
    ).toEqual([]);
  });

  it('a mailbox from a solution environment variable takes its default value; other expressions stay as written', async () => {
    const variable = 'Bookings mailbox (cr_BookingsMailbox)';
    const workflow = definition(
      {
        A: bookingsTrigger('CreateAppointment', `@parameters('${variable}')`),
        B: bookingsTrigger('UpdateAppointment', "@{variables('mailbox')}"),
        C: bookingsTrigger('CancelAppointment', '@@odd'),
      },
      {},
    );
    (workflow.parameters as Record<string, unknown>)[variable] = {
      defaultValue: 'lunch@contoso.example',
      type: 'String',
      metadata: { schemaName: 'cr_BookingsMailbox' },
    };
    const [flow] = await readFlowFile(write('env.json', json({ properties: { definition: workflow } })));
    expect(flow?.bookingsTriggers.map((trigger) => trigger.mailbox)).toEqual([
      'lunch@contoso.example',
      "@{variables('mailbox')}",
      '@odd',
    ]);
  });

  it('several flows in one solution come back in entry order', async () => {
    const file = writeZip({
      'Workflows/B-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D.json': json({
        properties: { definition: definition({ T: created }) },
      }),
      'Workflows/A-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5E.json': json({
        properties: { definition: definition({}) },
      }),
    });
    expect((await readFlowFile(file)).map((flow) => flow.name)).toEqual(['A', 'B']);
  });

  it('a zip is told by its bytes, whatever its name', async () => {
    const file = write('export.bin', zipSync(exportPackage(definition({ T: created }))));
    expect((await readFlowFile(file))[0]?.name).toBe('Notify on booking');
  });
});

describe('readFlowFile: malformed and hostile input is a FlowReadError, never a crash', () => {
  it('a missing file, a folder', async () => {
    expect((await readError(join(dir, 'nowhere.json'))).message).toContain('cannot read it: no such file');
    expect((await readError(dir)).message).toContain('is a folder');
  });

  it('a non-zip with a .zip name', async () => {
    const error = await readError(write('flow.zip', JSON.stringify(definition({}))));
    expect(error.message).toContain('is named .zip but is not a zip archive');
    expect(error.message).toContain('Export > Package (.zip)');
    expect((await readError(write('empty.zip', ''))).message).toContain('is empty, not a zip archive');
  });

  it('a truncated zip (no end of central directory)', async () => {
    const whole = zipSync(exportPackage(definition({ T: created })));
    const error = await readError(write('cut.zip', whole.subarray(0, Math.floor(whole.length / 2))));
    expect(error.message).toContain('is not a readable zip archive');
    expect(error.message).toContain('truncated or damaged');
  });

  it('a zip whose compressed data is damaged', async () => {
    const content = json(definition({ T: created }));
    const whole = zipSync({ 'definition.json': content, 'workflow.json': content });
    // Local header of the first entry: 30 bytes + its name, then the deflate stream.
    const start = 30 + 'definition.json'.length;
    const damaged = Uint8Array.from(whole);
    damaged.fill(0xff, start, start + 16);
    const error = await readError(write('damaged.zip', damaged));
    expect(error.message).toMatch(/is damaged|damaged or truncated/);
  });

  it('a zip with no flow definition says what an export holds', async () => {
    const error = await readError(
      writeZip({ 'readme.txt': strToU8('hello'), 'images/logo.png': strToU8('x') }),
    );
    expect(error.message).toContain('holds no flow definition');
    expect(error.message).toContain('Microsoft.Flow/flows/<id>/definition.json');
    expect(error.message).toContain('"readme.txt"');
    expect((await readError(writeZip({}))).message).toContain('it is empty');
  });

  it.each([
    ['../../etc/definition.json', 'climbs out of the archive'],
    ['Microsoft.Flow/flows/x/../../../definition.json', 'climbs out of the archive'],
    ['/etc/passwd', 'absolute path'],
    ['C:/Windows/definition.json', 'names a drive'],
    ['Microsoft.Flow\\flows\\x\\definition.json', 'backslash'],
    ['..\\..\\evil.json', 'backslash'],
  ])('path traversal in an entry name, even one never read: %s', async (name, problem) => {
    const files = exportPackage(definition({ T: created }));
    files[name] = strToU8('{}');
    const error = await readError(writeZip(files));
    expect(error.message).toContain(problem);
    expect(error.message).toContain(JSON.stringify(name));
    expect(error.message).toContain('Power Automate does not make such archives');
  });

  it('a zip bomb by compression ratio, in any entry', async () => {
    const files = exportPackage(definition({ T: created }));
    files['bomb.bin'] = new Uint8Array(8 * 1024 * 1024);
    const error = await readError(writeZip(files));
    expect(error.message).toMatch(/"bomb\.bin" declares 8\.0 MB packed into \d+ KB \(more than 200:1\)/);
    expect(error.message).toContain('zip bomb');
  });

  it('a definition entry declaring more than the per-entry bound', async () => {
    const big = randomBytes(zipLimits.maxEntryBytes + 1);
    const error = await readError(
      writeZip({ 'Workflows/Big-0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D.json': [big, { level: 0 }] }),
    );
    expect(error.message).toContain('declares 16 MB once unpacked');
    expect(error.message).toContain('zip bomb');
  });

  it('an entry that inflates to more than it declares is stopped while streaming', async () => {
    // 4 MB of spaces inside valid JSON, but the central directory claims 100 bytes.
    const padded = strToU8(`{"triggers": {}${' '.repeat(4 * 1024 * 1024)}}`);
    const zip = Uint8Array.from(zipSync({ 'definition.json': padded }));
    const view = new DataView(zip.buffer);
    const central = zip.findLastIndex(
      (_, at) => at + 4 <= zip.length && view.getUint32(at, true) === 0x02014b50,
    );
    view.setUint32(central + 24, 100, true);
    const error = await readError(write('liar.zip', zip));
    expect(error.message).toContain('unpacks to more than the 100 bytes it declares');
  });

  it('too many entries', async () => {
    const files: Zippable = {};
    for (let index = 0; index <= zipLimits.maxEntries; index++) files[`f/${index}`] = new Uint8Array(0);
    const error = await readError(writeZip(files));
    expect(error.message).toContain('declares 10,001 entries (at most 10,000 are read)');
  });

  it('the bounds on what is read together (readZipEntries with small limits)', async () => {
    const file = writeZip({ 'a.json': new Uint8Array(3000), 'b.json': new Uint8Array(3000) });
    const limits = { ...zipLimits, maxTotalBytes: 5000 };
    const error = await readZipEntries(file, () => true, limits).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlowReadError);
    expect((error as Error).message).toContain('declare more than 5 KB together');
    const declaredAll = await readZipEntries(file, () => false, {
      ...zipLimits,
      maxDeclaredBytes: 5000,
    }).catch((caught: unknown) => caught);
    expect((declaredAll as Error).message).toContain('its entries declare more than 5 KB once unpacked');
  });

  it('a huge bare JSON file is refused without being read', async () => {
    const file = write('huge.json', '');
    truncateSync(file, zipLimits.maxEntryBytes + 1);
    const error = await readError(file);
    expect(error.message).toContain('is bigger than 16 MB');
  });

  it('deep JSON, in a bare file and in an archive', async () => {
    const deep = `{"triggers": {}, "actions": {"A": {"inputs": ${'['.repeat(200)}${']'.repeat(200)}}}}`;
    const bare = await readError(write('deep.json', deep));
    expect(bare.message).toContain('nest deeper than 64 levels');
    expect(bare.message).toContain('a flow definition nests far less');
    const zipped = await readError(
      writeZip({ [`Microsoft.Flow/flows/${flowId}/definition.json`]: strToU8(deep) }),
    );
    expect(zipped.message).toContain(
      `Microsoft.Flow/flows/${flowId}/definition.json: objects and arrays nest deeper`,
    );
  });

  it('duplicate keys, bad UTF-8, not JSON', async () => {
    const duplicate = await readError(write('dup.json', '{"triggers": {}, "triggers": {"T": {}}}'));
    expect(duplicate.message).toContain('the key "triggers" appears twice');
    const utf8 = await readError(
      write('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])),
    );
    expect(utf8.message).toContain('not valid UTF-8');
    const text = await readError(write('notes.json', 'triggers: yes'));
    expect(text.message).toContain('is not valid JSON');
    expect((await readError(write('empty.json', ''))).message).toContain('is empty');
  });

  it('a definition that is not an object, or has no definition at all', async () => {
    expect((await readError(write('a.json', '[1, 2]'))).message).toContain(
      'holds an array, not a JSON object',
    );
    const string = await readError(write('b.json', JSON.stringify({ properties: { definition: 'x' } })));
    expect(string.message).toContain('/properties/definition is a string, not an object');
    const none = await readError(write('c.json', JSON.stringify({ name: 'x', properties: {} })));
    expect(none.message).toContain('holds no workflow definition');
    const arm = await readError(
      write('d.json', JSON.stringify({ resources: [{ type: 'Microsoft.Logic/workflows' }] })),
    );
    expect(arm.message).toContain('ARM template');
  });

  it('triggers and actions that are not objects of objects', async () => {
    const triggers = await readError(write('t.json', JSON.stringify({ definition: { triggers: [] } })));
    expect(triggers.message).toContain('/definition/triggers is an array, not an object');
    const nested = {
      triggers: {},
      actions: {
        Scope: { type: 'Scope', actions: { Condition: { type: 'If', else: { actions: { X: 3 } } } } },
      },
    };
    const action = await readError(write('n.json', JSON.stringify(nested)));
    expect(action.message).toContain(
      '/actions/Scope/actions/Condition/else/actions/X is a number, not an object',
    );
  });

  it('a Bookings trigger without a mailbox', async () => {
    const error = await readError(
      write('m.json', JSON.stringify(definition({ T: bookingsTrigger('CreateAppointment', null) }))),
    );
    expect(error.message).toContain('the trigger "T" (CreateAppointment) names no booking mailbox');
    expect(error.message).toContain('SMTPAddress is missing');
  });
});

describe('readFlowJsonFileSync (scenario files)', () => {
  it('reads the JSON forms and refuses an archive, naming the entry to give instead', () => {
    const file = write('definition.json', json(definition({ T: created })));
    expect(readFlowJsonFileSync(file).bookingsTriggers).toHaveLength(1);
    const zip = write('flow.zip', zipSync(exportPackage(definition({ T: created }))));
    expect(() => readFlowJsonFileSync(zip)).toThrow(
      /is a zip archive; here give the flow definition JSON inside it/,
    );
  });
});
