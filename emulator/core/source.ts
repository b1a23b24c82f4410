import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { decodeUtf8, maxNestingDepth, nestingDepthExceeds, yamlNestingProblem } from './strict-json.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
/** yaml loads on first use: `start` on the shipped seed reads its JSON copy and needs none (decision 015). */
const yaml = (): typeof Yaml => {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
};

export interface Position {
  line: number;
  col: number;
}

/** One problem in a file, at a place in its text. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  /** The file could not be read at all: the message names it, and there is no place to point at. */
  unreadable?: true;
}

/** `FILE:LINE:COL message`; for a file that could not be read, only the message, which names it. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  if (diagnostic.unreadable) return diagnostic.message;
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.col} ${diagnostic.message}`;
}

const fileErrorReasons: Record<string, string> = {
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'the path loops through symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Why a file operation failed, in words rather than an errno code: "no such file", "it is a
 * folder, not a file", "permission denied". `missing` says what ENOENT means where it happened
 * (a file to read, a folder to write into).
 */
export function describeFileError(error: unknown, missing = 'no such file'): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return missing;
  return (code && fileErrorReasons[code]) ?? code ?? (error as Error).message;
}

/** "cannot read FILE: no such file": the one message for a file that cannot be read. */
export function cannotReadMessage(file: string, error: unknown, missing?: string): string {
  return `cannot read ${file}: ${describeFileError(error, missing)}`;
}

/** Aliases may expand at most this much; a YAML bomb stops here instead of filling memory. */
const maxAliasCount = 1000;

/**
 * A YAML (or JSON) file parsed with its source positions kept, so a JSON pointer into the parsed
 * value can be mapped back to the line and column where the user wrote it.
 */
export class SourceDocument {
  readonly value: unknown;
  readonly syntaxErrors: Diagnostic[];
  private readonly lines = new (yaml().LineCounter)();
  private readonly root: Node | null;

  constructor(
    readonly file: string,
    text: string,
  ) {
    // Checked before parsing: the parser recurses per level and a deep enough file exhausts it.
    const tooDeep = yamlNestingProblem(text);
    if (tooDeep) {
      this.root = null;
      this.syntaxErrors = [{ file, line: tooDeep.line, col: tooDeep.col, message: tooDeep.problem }];
      this.value = undefined;
      return;
    }
    const document = yaml().parseDocument(text, {
      lineCounter: this.lines,
      uniqueKeys: true,
      prettyErrors: true,
    });
    this.root = document.contents as Node | null;
    this.syntaxErrors = [...document.errors, ...document.warnings].map((error) => {
      const position = error.linePos?.[0] ?? { line: 1, col: 1 };
      const message =
        error.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, error.pos[0]) : firstLine(error.message);
      return { file, line: position.line, col: position.col, message };
    });
    if (document.errors.length === 0 && document.contents === null) {
      this.syntaxErrors.push({
        file,
        line: 1,
        col: 1,
        message: 'the file is empty; it must hold a YAML or JSON object',
      });
    }
    let value: unknown;
    if (document.errors.length === 0) {
      try {
        value = document.toJS({ maxAliasCount });
      } catch (error) {
        const message = firstLine((error as Error).message);
        this.syntaxErrors.push({
          file,
          line: 1,
          col: 1,
          message: /alias count/i.test(message)
            ? `aliases (*name) expand to more than ${maxAliasCount} nodes, which looks like a YAML bomb; write the repeated values out or use fewer aliases`
            : message,
        });
      }
      if (value !== undefined && nestingDepthExceeds(value, maxNestingDepth)) {
        this.syntaxErrors.push({
          file,
          line: 1,
          col: 1,
          message: `lists and maps nest deeper than ${maxNestingDepth} levels`,
        });
        value = undefined;
      }
    }
    this.value = value;
  }

  /**
   * Where the value at `pointer` was written. For a property that is missing or must not be there,
   * the nearest existing node is used; `key` asks for the key of the last token, not its value.
   */
  positionOf(pointer: string, options: { key?: boolean } = {}): Position {
    const tokens = pointer === '' ? [] : pointer.split('/').slice(1).map(unescapeToken);
    let node: Node | null = this.root;
    let found: Node | null = this.root;
    for (const [index, token] of tokens.entries()) {
      const last = index === tokens.length - 1;
      if (yaml().isMap(node)) {
        const pair = node.items.find(
          (item) => yaml().isPair(item) && yaml().isScalar(item.key) && String(item.key.value) === token,
        );
        if (!pair) break;
        if (last && options.key && yaml().isScalar(pair.key)) {
          found = pair.key as Node;
          break;
        }
        node = (pair.value as Node | null) ?? (pair.key as Node);
      } else if (yaml().isSeq(node)) {
        const item = node.items[Number(token)] as Node | undefined;
        if (!item) break;
        node = item;
      } else {
        break;
      }
      found = node;
    }
    const offset = found?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  diagnosticAt(pointer: string, message: string, options: { key?: boolean } = {}): Diagnostic {
    return { file: this.file, ...this.positionOf(pointer, options), message };
  }
}

/**
 * Reads a YAML or JSON file as strict UTF-8 (YAML 1.2 is Unicode text): bytes that are not UTF-8
 * are a problem at their line and column, not silently replaced by U+FFFD.
 */
export function readSourceFile(file: string): SourceDocument | Diagnostic {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { file, line: 1, col: 1, message: cannotReadMessage(file, error), unreadable: true };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const before = bytes.subarray(0, decoded.offset);
    const lineStart = before.lastIndexOf(0x0a) + 1;
    let line = 1;
    for (const byte of before) if (byte === 0x0a) line += 1;
    return {
      file,
      line,
      col: Buffer.from(before.subarray(lineStart)).toString('utf8').length + 1,
      message: `the file is not valid UTF-8 (byte ${decoded.offset + 1} cannot be decoded); save it as UTF-8`,
    };
  }
  return new SourceDocument(file, decoded.text);
}

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Names the repeated key: YAML, like JSON.parse, would otherwise keep only one of them. */
function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/.exec(text.slice(offset, offset + 300))?.[1];
  return `${key === undefined ? 'a key' : `the key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}`} appears twice in one map; map keys must be unique`;
}

/** The parser's first line, without the position it repeats ("... at line 2, column 1:"). */
function firstLine(message: string): string {
  const line = message.split('\n')[0]?.trim() ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
