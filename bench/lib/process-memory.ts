import { readFileSync } from 'node:fs';

/** Peak resident set (VmHWM) of a live process, in bytes; undefined once it has exited. */
function peakRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a child's peak RSS every `everyMs` until stopped; returns the highest seen. */
export function watchPeakRss(pid: number, everyMs = 25): { stop(): number } {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, peakRssBytes(pid) ?? 0);
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      sample();
      clearInterval(timer);
      return peak;
    },
  };
}
