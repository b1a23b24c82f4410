import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getSchemaRegistry, type SchemaViolation, schemaId } from '../schemas/registry.js';

export interface DocumentError extends SchemaViolation {
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

/** One JSON document, or JSON Lines (what `fake` prints): one document per non-empty line. */
export function parseDocuments(text: string): { documents: unknown[] } | { problem: string } {
  try {
    return { documents: [JSON.parse(text)] };
  } catch (whole) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) return { problem: `not JSON: ${(whole as Error).message}` };
    const documents: unknown[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        documents.push(JSON.parse(line));
      } catch (error) {
        return { problem: `not JSON (nor JSON Lines: line ${index + 1}: ${(error as Error).message})` };
      }
    }
    return { documents };
  }
}

export function validateText(file: string, text: string, schemaName: string): FileVerdict {
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

/** The JSON files a path names: itself, or every *.json under a folder, sorted. */
export function jsonFilesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => {
      const child = join(path, entry);
      if (statSync(child).isDirectory()) return jsonFilesUnder(child);
      return entry.toLowerCase().endsWith('.json') ? [child] : [];
    });
}

export function validatePath(path: string, schemaName: string, readStdin: () => string): FileVerdict[] {
  if (path === '-') return [validateText('(stdin)', readStdin(), schemaName)];
  let files: string[];
  try {
    files = jsonFilesUnder(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return [{ file: path, status: 'unreadable', documents: 0, errors: [], problem: `cannot read: ${code}` }];
  }
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return {
        file,
        status: 'unreadable' as const,
        documents: 0,
        errors: [],
        problem: `cannot read: ${code}`,
      };
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
