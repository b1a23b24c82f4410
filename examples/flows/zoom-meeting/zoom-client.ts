/** The part of the Zoom Meetings API the flow uses (examples/apis/zoom-meetings.openapi.yaml). */
export interface MeetingFields {
  topic: string;
  /** 2: a scheduled meeting. */
  type: 2;
  /** yyyy-MM-ddTHH:mm:ssZ */
  start_time: string;
  duration: number;
  timezone: string;
  agenda?: string;
}

export interface ZoomClientOptions {
  /** https://api.zoom.us/v2, or a stand-in. */
  baseUrl: string;
  /** An OAuth access token (server-to-server app). */
  token: string;
}

export class ZoomApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`Zoom ${what} answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** A small Zoom Meetings client over fetch. */
export class ZoomClient {
  constructor(private readonly options: ZoomClientOptions) {}

  private async call(method: string, path: string, what: string, body?: object): Promise<Response> {
    const response = await fetch(
      new URL(path.replace(/^\//, ''), `${this.options.baseUrl.replace(/\/*$/, '')}/`),
      {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      },
    );
    if (!response.ok) throw new ZoomApiError(response.status, await response.text(), what);
    return response;
  }

  async createMeeting(userId: string, fields: MeetingFields): Promise<{ id: number; join_url: string }> {
    const response = await this.call(
      'POST',
      `/users/${encodeURIComponent(userId)}/meetings`,
      'create meeting',
      fields,
    );
    return (await response.json()) as { id: number; join_url: string };
  }

  async updateMeeting(meetingId: number, fields: Partial<MeetingFields>): Promise<void> {
    await this.call('PATCH', `/meetings/${meetingId}`, 'update meeting', fields);
  }

  async deleteMeeting(meetingId: number): Promise<void> {
    await this.call('DELETE', `/meetings/${meetingId}`, 'delete meeting');
  }
}
