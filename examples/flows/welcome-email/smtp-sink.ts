import Fastify, { type FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';

/** One e-mail as the sink received it. */
interface ReceivedMail {
  /** The SMTP envelope: who sent it and to whom it was delivered. */
  envelope: { from: string; to: string[] };
  subject: string;
  /** The text body, transfer encoding undone. */
  text: string;
  raw: string;
}

function decodeWords(header: string): string {
  return header.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
    (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replaceAll('_', ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Headers and text of a single-part message (what the welcome flow sends). */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = (split < 0 ? raw : raw.slice(0, split)).replace(/\r?\n[ \t]+/g, ' ');
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') };
}

export interface SmtpSink {
  smtp: SMTPServer;
  /** `GET /messages` answers `{ count, messages }`; `DELETE /messages` forgets them. */
  api: FastifyInstance;
  messages: ReceivedMail[];
}

/**
 * An SMTP server that accepts every e-mail (no auth, no TLS) and keeps it, with an HTTP API to read
 * them back. Listen on loopback only: it is a test double, not a mail server.
 */
export function buildSmtpSink(): SmtpSink {
  const messages: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        messages.push({
          envelope: {
            from: from === false ? '' : from.address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          ...parseMail(raw),
          raw,
        });
        callback();
      });
    },
  });
  const api = Fastify({ logger: false });
  api.get('/messages', async () => ({ count: messages.length, messages }));
  api.delete('/messages', async (_request, reply) => {
    messages.length = 0;
    return reply.code(204).send();
  });
  return { smtp, api, messages };
}
