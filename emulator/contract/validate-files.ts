import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { getSchemaRegistry, type SchemaViolation, schemaId } from '../core/schemas/registry.js';
import { cannotReadMessage, describeFileError } from '../core/source.js';
import { decodeUtf8, parseStrictJson } from '../core/strict-json.js';

interface DocumentError extends SchemaViolation {
  /** 1-based line of the document in a JSON Lines input; absent for a single document. */
  document?: number;
}

export interface FileVerdict {
  file: string;
  status: 'valid' | 'invalid' | 'unreadable';
  documents: number;
  errors: DocumentError[];
  /** Why the file could not be judged. */
  problem?: string;
}

/**
 * One JSON document, or JSON Lines (what `fake` prints): one document per non-empty line. Read as
 * strictly as the emulator reads request bodies (decision 013): UTF-8 only, each key once per
 * object, at most 64 levels deep.
 */
export function parseDocuments(input: Uint8Array | string): { documents: unknown[] } | { problem: string } {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) return { problem: `not JSON: ${decoded.problem}` };
    text = decoded.text;
  }
  const whole = parseStrictJson(text);
  if (whole.ok) return { documents: [whole.value] };
  // Parsed, but broke a rule JSON.parse does not check: that is the answer, not JSON Lines.
  if (whole.pointer !== undefined) return { problem: `not acceptable JSON: ${whole.problem}` };
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2) return { problem: `not JSON: ${whole.problem}` };
  const documents: unknown[] = [];
  for (const [index, line] of lines.entries()) {
    const parsed = parseStrictJson(line);
    if (!parsed.ok) {
      return { problem: `not JSON (nor JSON Lines: line ${index + 1}: ${parsed.problem})` };
    }
    documents.push(parsed.value);
  }
  return { documents };
}

function validateText(file: string, text: Uint8Array | string, schemaName: string): FileVerdict {
  const parsed = parseDocuments(text);
  if ('problem' in parsed)
    return { file, status: 'unreadable', documents: 0, errors: [], problem: parsed.problem };
  const registry = getSchemaRegistry();
  const errors = parsed.documents.flatMap((document, index) =>
    registry
      .check(schemaId(schemaName), document)
      .map((violation) => (parsed.documents.length > 1 ? { ...violation, document: index + 1 } : violation)),
  );
  return {
    file,
    status: errors.length === 0 ? 'valid' : 'invalid',
    documents: parsed.documents.length,
    errors,
  };
}

/**
 * The JSON files a path names: itself, or every *.json under a folder, sorted. A path that cannot
 * be read is a ConfigError: "cannot read PATH: no such file or folder".
 */
export function jsonFilesUnder(path: string): string[] {
  let entries: string[];
  try {
    if (!statSync(path).isDirectory()) return [path];
    entries = readdirSync(path).sort();
  } catch (error) {
    throw new ConfigError(cannotReadMessage(path, error, 'no such file or folder'));
  }
  return entries.flatMap((entry) => {
    const child = join(path, entry);
    if (entry.toLowerCase().endsWith('.json') || isFolder(child)) return jsonFilesUnder(child);
    return [];
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link: not a folder to enter
  }
}

/** Every JSON file a path names, judged; a path that cannot be read at all throws (see jsonFilesUnder). */
export function validatePath(path: string, schemaName: string, readStdin: () => Uint8Array): FileVerdict[] {
  if (path === '-') return [validateText('(stdin)', readStdin(), schemaName)];
  return jsonFilesUnder(path).map((file) => {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (error) {
      const problem = describeFileError(error);
      return { file, status: 'unreadable' as const, documents: 0, errors: [], problem };
    }
    return validateText(file, text, schemaName);
  });
}

export function formatVerdicts(verdicts: readonly FileVerdict[]): string {
  const lines: string[] = [];
  for (const verdict of verdicts) {
    if (verdict.status === 'unreadable') {
      lines.push(`${verdict.file}: unreadable: ${verdict.problem}`);
      continue;
    }
    lines.push(
      `${verdict.file}: ${verdict.status}${verdict.documents > 1 ? ` (${verdict.documents} documents)` : ''}`,
    );
    for (const error of verdict.errors) {
      const where = `${error.document === undefined ? '' : `document ${error.document} `}${error.pointer || '/'}`;
      lines.push(`  ${where}: expected ${error.expected}, found ${error.found} (${error.message})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
