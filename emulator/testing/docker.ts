import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Why a container test cannot run here (no engine, or no image), or undefined when it can.
 * .ci/run starts an engine and builds the image; there a reason is a failure, elsewhere a skip.
 */
export function dockerEngineStatus(image: string): string | undefined {
  const socket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
  if (!existsSync(socket)) return `no Docker engine at ${socket} (set DOCKER_HOST; .ci/run starts dockerd)`;
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
  } catch {
    return `the image ${image} is missing: run docker/build-image.sh`;
  }
  return undefined;
}
