import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { describeFileError } from '../core/source.js';
import { parseStrictJson } from '../core/strict-json.js';
import { flowDocumentOf, parseFlowJson } from './flow-document.js';
import { type FlowDocument, FlowReadError } from './model.js';
import { formatBytes, readZipEntries, startsLikeZip, zipLimits } from './zip.js';

/** A bare definition is read up to this size, as a definition inside an archive is. */
const maxFlowJsonBytes = zipLimits.maxEntryBytes;

const forms =
  'a Power Automate export package (.zip), a solution export (.zip), a definition.json or a Logic Apps workflow.json';

const packageDefinition = /^Microsoft\.Flow\/flows\/([^/]+)\/definition\.json$/i;
const solutionWorkflow = /^Workflows\/([^/]+)\.json$/i;
const standardWorkflow = /^(?:([^/]+)\/)?workflow\.json$/i;
const rootDefinition = /^definition\.json$/i;
const manifestEntry = /^manifest\.json$/i;
const guidSuffix = /-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function cannotRead(file: string, error: unknown): never {
  throw new FlowReadError(file, `cannot read it: ${describeFileError(error)}`);
}

/** Reads at most `max` bytes of a regular file; a bigger (or growing, or endless) file is refused. */
function readBounded(file: string, max: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    cannotRead(file, error);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new FlowReadError(file, `is a folder; give a flow file: ${forms}`);
    if (!info.isFile()) throw new FlowReadError(file, `is not a regular file; give a flow file: ${forms}`);
    const tooBig = () =>
      new FlowReadError(
        file,
        `is bigger than ${formatBytes(max)}, the most a flow definition is read up to; is it the right file? Give ${forms}`,
      );
    if (info.size > max) throw tooBig();
    const buffer = Buffer.alloc(Math.min(info.size, max) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) throw tooBig();
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** The name of a flow read from a JSON file: its folder for a Logic Apps Standard workflow.json. */
function bareName(file: string): string {
  const base = basename(file);
  if (base.toLowerCase() === 'workflow.json') {
    const folder = basename(dirname(file));
    if (folder && folder !== '.' && folder !== '/') return folder;
  }
  return base.replace(/\.json$/i, '');
}

/**
 * Reads a bare JSON flow file (definition.json, workflow.json, a solution's Workflows/*.json)
 * synchronously: scenario files resolve their `definition:` with it. A zip archive is refused
 * with a message saying which entry to give instead.
 */
export function readFlowJsonFileSync(file: string): FlowDocument {
  const bytes = readBounded(file, maxFlowJsonBytes);
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new FlowReadError(
      file,
      'is a zip archive; here give the flow definition JSON inside it (Microsoft.Flow/flows/<id>/definition.json of an export package, Workflows/<name>-<GUID>.json of a solution)',
    );
  }
  const source = { file, name: bareName(file) };
  if (bytes.length === 0) throw new FlowReadError(file, `is empty; give ${forms}`);
  return flowDocumentOf(source, parseFlowJson(source, bytes));
}

/** Display names by resource id from a Power Automate package's manifest.json; none when it is unreadable. */
function manifestNames(bytes: Buffer | undefined): Map<string, string> {
  const names = new Map<string, string>();
  const parsed = bytes ? parseStrictJson(bytes) : undefined;
  const resources = parsed?.ok && isObject(parsed.value) ? parsed.value.resources : undefined;
  if (!isObject(resources)) return names;
  for (const [key, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.type !== 'Microsoft.Flow/flows') continue;
    const displayName = isObject(resource.details) ? resource.details.displayName : undefined;
    if (typeof displayName !== 'string' || displayName.trim() === '') continue;
    names.set(key.toLowerCase(), displayName.trim());
    if (typeof resource.name === 'string') names.set(resource.name.toLowerCase(), displayName.trim());
  }
  return names;
}

function isFlowEntry(name: string): boolean {
  return (
    packageDefinition.test(name) ||
    solutionWorkflow.test(name) ||
    standardWorkflow.test(name) ||
    rootDefinition.test(name)
  );
}

async function readFlowZip(file: string): Promise<FlowDocument[]> {
  const contents = await readZipEntries(file, (name) => isFlowEntry(name) || manifestEntry.test(name));
  const manifest = [...contents.entries].find(([name]) => manifestEntry.test(name))?.[1];
  const displayNames = manifestNames(manifest);
  const flows = [...contents.entries]
    .filter(([name]) => isFlowEntry(name))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([entry, bytes]) => {
      const id = packageDefinition.exec(entry)?.[1];
      const solutionName = solutionWorkflow.exec(entry)?.[1]?.replace(guidSuffix, '');
      const standardName = standardWorkflow.exec(entry)?.[1];
      const name = id ?? solutionName ?? standardName ?? basename(file).replace(/\.zip$/i, '');
      const displayName = id === undefined ? undefined : displayNames.get(id.toLowerCase());
      const source = { file, entry, name, ...(displayName === undefined ? {} : { displayName }) };
      if (bytes.length === 0) {
        throw new FlowReadError(
          file,
          `${entry}: is empty where a flow definition should be; export the flow again with Export > Package (.zip)`,
        );
      }
      return flowDocumentOf(source, parseFlowJson(source, bytes));
    });
  if (flows.length === 0) {
    const shown = contents.names.slice(0, 6).map((name) => JSON.stringify(name));
    const held =
      contents.names.length === 0
        ? 'it is empty'
        : `it holds ${shown.join(', ')}${contents.names.length > shown.length ? `, and ${contents.names.length - shown.length} more` : ''}`;
    throw new FlowReadError(
      file,
      `holds no flow definition: a Power Automate export package has Microsoft.Flow/flows/<id>/definition.json and a solution export Workflows/<name>-<GUID>.json, but ${held}. Export the flow with Export > Package (.zip), or give its definition.json`,
    );
  }
  return flows;
}

/**
 * Reads the flows in a file: a Power Automate export package or a solution export (.zip), a
 * definition.json or a Logic Apps workflow.json. A zip archive is told by its first bytes, whatever its
 * name. A file without a Bookings trigger is no error: its flow has an empty `bookingsTriggers`.
 * Every problem, hostile input included, is a FlowReadError that says what to do.
 */
export async function readFlowFile(path: string): Promise<FlowDocument[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    cannotRead(path, error);
  }
  if (info.isDirectory()) throw new FlowReadError(path, `is a folder; give a flow file: ${forms}`);
  if (!info.isFile()) throw new FlowReadError(path, `is not a regular file; give a flow file: ${forms}`);
  let zip: boolean;
  try {
    zip = await startsLikeZip(path);
  } catch (error) {
    cannotRead(path, error);
  }
  if (zip) return readFlowZip(path);
  if (extname(path).toLowerCase() === '.zip') {
    throw new FlowReadError(
      path,
      info.size === 0
        ? 'is empty, not a zip archive; export the flow again with Export > Package (.zip)'
        : 'is named .zip but is not a zip archive (it does not start with the zip signature PK); export the flow again with Export > Package (.zip), or give the definition JSON under its own name',
    );
  }
  return [readFlowJsonFileSync(path)];
}
