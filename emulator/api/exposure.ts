import { isIP } from 'node:net';

/** Whether binding `host` keeps the emulator on this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * What `start` says on stderr when it listens beyond loopback. It warns and goes on: containers
 * bind 0.0.0.0 on purpose, and the port mapping, not the bind address, decides who can reach them.
 */
export function exposureWarning(host: string, hasControlToken: boolean): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const lines = [
    `warning: listening on ${host}, beyond loopback: anyone who can reach this port can call the trigger API with the seed's tokens and the Graph-shaped actions, which ask for no credentials.`,
  ];
  lines.push(
    hasControlToken
      ? 'The control API (/_emulator/) asks for the control token; keep it secret.'
      : 'The control API (/_emulator/) is open too: anyone can read every delivery (customer names and e-mail addresses), reset the state and inject faults. Set --control-token (or BOOKINGS_EMULATOR_CONTROL_TOKEN) to guard it, or bind --host 127.0.0.1.',
  );
  return `${lines.join('\n')}\n`;
}
