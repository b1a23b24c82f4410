import { type ChildProcess, spawn } from 'node:child_process';

/** Spawns a server process and resolves with its URL once it prints "listening on URL". */
export async function spawnServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return { url, child };
}

export async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await exited;
}
