import { open as openFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type Entry, getFileNameLowLevel, openPromise, type ZipFile } from 'yauzl';
import { FlowReadError } from './model.js';

/**
 * How much of an archive is read. A flow export is small (a definition is rarely past 1 MB, a
 * solution with its apps a few tens of MB); the bounds stop archives made to exhaust memory or time.
 */
export interface ZipLimits {
  /** The archive file itself. */
  maxArchiveBytes: number;
  /** Entries in the central directory. */
  maxEntries: number;
  /** One entry that is read, once inflated. */
  maxEntryBytes: number;
  /** All the entries that are read, once inflated. */
  maxTotalBytes: number;
  /** What every entry of the archive declares, inflated, added up (entries not read included). */
  maxDeclaredBytes: number;
  /** Inflated size over compressed size of one entry past `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

const MiB = 1024 * 1024;

export const zipLimits: ZipLimits = {
  maxArchiveBytes: 512 * MiB,
  maxEntries: 10_000,
  maxEntryBytes: 16 * MiB,
  maxTotalBytes: 64 * MiB,
  maxDeclaredBytes: 2048 * MiB,
  // Deflate reaches about 1000:1 on a run of one byte; JSON and XML stay far below 100:1.
  maxRatio: 200,
  ratioFloorBytes: MiB,
};

export interface ZipContents {
  /** Every entry name of the archive, in its order. */
  names: string[];
  /** The inflated bytes of the entries asked for. */
  entries: Map<string, Buffer>;
}

const exportAgain =
  'export the flow again (Power Automate: Export > Package (.zip); a solution: Export solution) and use the new file';

/** The first few bytes of a file: a zip archive starts with PK\3\4 (or PK\5\6 when it is empty). */
export async function startsLikeZip(file: string): Promise<boolean> {
  const handle = await openFile(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
  } finally {
    await handle.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes >= 10 * MiB ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * Why an entry name is refused, if it is. Nothing is ever written to disk, but a name that could
 * point outside the folder an archive is unpacked in (`../`, `/etc`, `C:\`, backslashes that some
 * tools read as separators) only comes from an archive made to attack whoever unpacks it.
 */
function entryNameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (name === '') return 'an entry has an empty name';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
  if (/[\u0000-\u001f\u007f]/.test(name)) return `the entry ${shown} has control characters in its name`;
  if (name.includes('\\'))
    return `the entry ${shown} has a backslash in its name: zip entry names use forward slashes, and a backslash can make a path that leaves the folder the archive is unpacked in (path traversal)`;
  if (/^[a-z]:/i.test(name))
    return `the entry ${shown} names a drive: an entry name must be a path inside the archive (path traversal)`;
  if (name.startsWith('/'))
    return `the entry ${shown} has an absolute path: an entry name must be a path inside the archive (path traversal)`;
  if (name.split('/').includes('..'))
    return `the entry ${shown} climbs out of the archive with "..": an entry name must stay inside the archive (path traversal)`;
  return undefined;
}

function reasonOf(error: unknown): string {
  return (error as Error).message.replace(/\.$/, '');
}

function refuse(file: string, problem: string): never {
  throw new FlowReadError(file, `${problem}. Power Automate does not make such archives; ${exportAgain}`);
}

function bomb(file: string, problem: string): never {
  throw new FlowReadError(
    file,
    `${problem}: that is how a zip bomb looks, so reading stopped. If the archive is genuine, unzip it and give the flow's definition JSON instead`,
  );
}

/** Checks every entry of the central directory before anything is inflated; answers the ones to read. */
async function checkDirectory(
  file: string,
  zip: ZipFile,
  wanted: (name: string) => boolean,
  limits: ZipLimits,
): Promise<{ names: string[]; toRead: Array<{ name: string; entry: Entry }> }> {
  if (zip.entryCount > limits.maxEntries) {
    bomb(
      file,
      `the archive declares ${zip.entryCount.toLocaleString('en-US')} entries (at most ${limits.maxEntries.toLocaleString('en-US')} are read)`,
    );
  }
  const names: string[] = [];
  const seen = new Set<string>();
  const toRead: Array<{ name: string; entry: Entry }> = [];
  let declared = 0;
  let declaredRead = 0;
  for await (const entry of zip.eachEntry()) {
    const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const problem = entryNameProblem(name);
    if (problem) refuse(file, problem);
    if (seen.has(name.toLowerCase())) {
      refuse(
        file,
        `the archive holds two entries named ${JSON.stringify(name)}, so which one counts is ambiguous`,
      );
    }
    seen.add(name.toLowerCase());
    names.push(name);
    const size = entry.uncompressedSize;
    declared += size;
    if (declared > limits.maxDeclaredBytes) {
      bomb(file, `its entries declare more than ${formatBytes(limits.maxDeclaredBytes)} once unpacked`);
    }
    if (size > limits.ratioFloorBytes && size > entry.compressedSize * limits.maxRatio) {
      bomb(
        file,
        `the entry ${JSON.stringify(name)} declares ${formatBytes(size)} packed into ${formatBytes(entry.compressedSize)} (more than ${limits.maxRatio}:1)`,
      );
    }
    if (name.endsWith('/') || !wanted(name)) continue;
    if (size > limits.maxEntryBytes) {
      bomb(
        file,
        `the entry ${JSON.stringify(name)} declares ${formatBytes(size)} once unpacked (a flow definition is read up to ${formatBytes(limits.maxEntryBytes)})`,
      );
    }
    declaredRead += size;
    if (declaredRead > limits.maxTotalBytes) {
      bomb(
        file,
        `its flow definitions declare more than ${formatBytes(limits.maxTotalBytes)} together once unpacked`,
      );
    }
    if (entry.isEncrypted()) {
      throw new FlowReadError(
        file,
        `the entry ${JSON.stringify(name)} is encrypted; export the flow again without a password`,
      );
    }
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new FlowReadError(
        file,
        `the entry ${JSON.stringify(name)} uses compression method ${entry.compressionMethod}, which cannot be read (only stored and deflate are); ${exportAgain}`,
      );
    }
    if (entry.compressionMethod === 0 && entry.compressedSize !== size) {
      throw new FlowReadError(
        file,
        `the entry ${JSON.stringify(name)} is damaged (stored with ${entry.compressedSize} bytes but declares ${size}); download or ${exportAgain}`,
      );
    }
    toRead.push({ name, entry });
  }
  return { names, toRead };
}

/** Inflates one entry, counting the bytes as they come: an entry that lies about its size stops there. */
async function inflate(
  file: string,
  zip: ZipFile,
  name: string,
  entry: Entry,
  budget: { left: number },
  limits: ZipLimits,
): Promise<Buffer> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new FlowReadError(
      file,
      `the entry ${JSON.stringify(name)} cannot be read (${reasonOf(error)}): the archive is damaged or truncated; download or ${exportAgain}`,
    );
  }
  const allowed = Math.min(entry.uncompressedSize, limits.maxEntryBytes, budget.left);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > allowed) {
        stream.destroy();
        if (total > entry.uncompressedSize) {
          bomb(
            file,
            `the entry ${JSON.stringify(name)} unpacks to more than the ${formatBytes(entry.uncompressedSize)} it declares`,
          );
        }
        bomb(file, `the entry ${JSON.stringify(name)} unpacks to more than ${formatBytes(allowed)}`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FlowReadError) throw error;
    stream.destroy();
    throw new FlowReadError(
      file,
      `the entry ${JSON.stringify(name)} is damaged (${reasonOf(error)}): the archive is corrupt or truncated; download or ${exportAgain}`,
    );
  }
  if (total !== entry.uncompressedSize) {
    throw new FlowReadError(
      file,
      `the entry ${JSON.stringify(name)} unpacks to ${total} bytes but declares ${entry.uncompressedSize}: the archive is damaged or truncated; download or ${exportAgain}`,
    );
  }
  budget.left -= total;
  return Buffer.concat(chunks, total);
}

/**
 * Reads the entries of a zip archive that `wanted` picks, after checking the whole central
 * directory (names, count, declared sizes and ratios); inflated bytes are counted while streaming
 * against what each entry declares and the limits. Every problem is a FlowReadError naming the file.
 */
export async function readZipEntries(
  file: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits = zipLimits,
): Promise<ZipContents> {
  const size = (await stat(file)).size;
  if (size > limits.maxArchiveBytes) {
    throw new FlowReadError(
      file,
      `the archive is ${formatBytes(size)}, more than the ${formatBytes(limits.maxArchiveBytes)} read; export only the flow (Export > Package (.zip)) or the solution that holds it`,
    );
  }
  let zip: ZipFile;
  try {
    zip = await openPromise(file, {
      autoClose: false,
      // Names are decoded and checked here, with messages of our own; sizes are counted here too.
      decodeStrings: false,
      validateEntrySizes: false,
    });
  } catch (error) {
    throw new FlowReadError(
      file,
      `is not a readable zip archive (${reasonOf(error)}): it is truncated or damaged; download or ${exportAgain}`,
    );
  }
  try {
    let directory: Awaited<ReturnType<typeof checkDirectory>>;
    try {
      directory = await checkDirectory(file, zip, wanted, limits);
    } catch (error) {
      if (error instanceof FlowReadError) throw error;
      throw new FlowReadError(
        file,
        `is not a readable zip archive (${reasonOf(error)}): its list of entries is damaged or truncated; download or ${exportAgain}`,
      );
    }
    const entries = new Map<string, Buffer>();
    const budget = { left: limits.maxTotalBytes };
    for (const { name, entry } of directory.toRead) {
      entries.set(name, await inflate(file, zip, name, entry, budget, limits));
    }
    return { names: directory.names, entries };
  } finally {
    zip.close();
  }
}
