/** The contact fields the flow writes (examples/apis/dynamics-contacts.openapi.yaml). */
export interface ContactFields {
  firstname?: string;
  lastname: string;
  telephone1?: string;
  description?: string;
}

export interface DynamicsClientOptions {
  /** The organisation URL, https://contoso.crm.dynamics.com, or a stand-in. */
  orgUrl: string;
  /** An Entra ID access token for the organisation. */
  token: string;
}

export class DynamicsApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Dynamics 365 contact upsert answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** An OData string literal in a key: quotes doubled, then percent-encoded. */
export function odataKey(value: string): string {
  return `'${encodeURIComponent(value.replaceAll("'", "''"))}'`;
}

/** A small Dataverse Web API client: upsert a contact on the emailaddress1 alternate key. */
export class DynamicsClient {
  constructor(private readonly options: DynamicsClientOptions) {}

  /** PATCH without If-Match: creates the contact or updates it (Dataverse "upsert"). */
  async upsertContactByEmail(email: string, fields: ContactFields): Promise<void> {
    const base = this.options.orgUrl.replace(/\/*$/, '');
    const response = await fetch(`${base}/api/data/v9.2/contacts(emailaddress1=${odataKey(email)})`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'odata-version': '4.0',
        'odata-maxversion': '4.0',
      },
      body: JSON.stringify(fields),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new DynamicsApiError(response.status, await response.text());
  }
}
