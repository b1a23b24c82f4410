import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Heap in use after a full collection, in bytes. The bench runs without --expose-gc, so the flag is
 * set at run time and gc() taken from a fresh context, where V8 then installs it.
 */
export function collectedHeapUsed(): number {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  // Twice: objects freed by the first pass's finalisers go in the second.
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
