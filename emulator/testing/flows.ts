/** The api id of the Bookings connector, as Power Automate writes it in a flow definition. */
export const bookingsApiId = '/providers/Microsoft.PowerApps/apis/shared_microsoftbookings';

/** A Power Automate Bookings trigger as the designer writes it (docs/flows.md, "The files it reads"). */
export function bookingsTrigger(
  operationId: string,
  mailbox: string | null = 'lunch@contoso.example',
  host: object = {},
) {
  return {
    type: 'OpenApiConnectionWebhook',
    inputs: {
      host: { connectionName: 'shared_microsoftbookings', operationId, apiId: bookingsApiId, ...host },
      parameters: mailbox === null ? {} : { SMTPAddress: mailbox },
      authentication: "@parameters('$authentication')",
    },
  };
}
