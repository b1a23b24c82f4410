import { type ChildProcess, spawn } from 'node:child_process';
import { listeningUrl } from '../../emulator/testing/listening.js';

/** Spawns a server process and resolves with its URL once it prints "listening on URL". */
export async function spawnServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await listeningUrl(child);
  return { url, child };
}

export async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await exited;
}
