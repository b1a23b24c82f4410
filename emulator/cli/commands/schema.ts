import type { Command } from 'commander';

const requestTriggerHelp = `
Paste the output into the "Request Body JSON Schema" of a "When a HTTP request is received"
trigger (Power Automate, or Logic Apps Standard run locally) in a copy of your flow, in place of
its Bookings trigger: the copy then reads the same fields (triggerOutputs()?['body/StartTime'],
triggerBody()?['CustomerEmail']) from what the emulator posts. Allowlist the trigger's host and
subscribe its URL; docs/flows.md ("Stand in for the flow itself") has the recipe.

The schema is schemas/appointment-data.schema.json made self-contained: its definitions inlined,
no $id, $schema or $ref, only type, properties, items, title and description. No field is
required, as in the connector's own definition.`;

export function registerSchemaCommand(program: Command): void {
  const schema = program.command('schema').description('Print JSON Schemas for use outside the emulator.');
  schema
    .command('request-trigger')
    .description(
      'Print the JSON Schema of the Bookings trigger body (AppointmentData) for a "When a HTTP request is received" trigger.',
    )
    .addHelpText('after', requestTriggerHelp)
    .action(async () => {
      const { requestTriggerSchema } = await import('../../flows/request-trigger-schema.js');
      process.stdout.write(`${JSON.stringify(requestTriggerSchema(), null, 2)}\n`);
    });
}
