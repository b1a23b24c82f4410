import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

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
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.col} ${diagnostic.message}`;
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
  private readonly lines = new LineCounter();
  private readonly root: Node | null;

  constructor(
    readonly file: string,
    text: string,
  ) {
    const document = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: true });
    this.root = document.contents as Node | null;
    this.syntaxErrors = [...document.errors, ...document.warnings].map((error) => {
      const position = error.linePos?.[0] ?? { line: 1, col: 1 };
      return { file, line: position.line, col: position.col, message: firstLine(error.message) };
    });
    let value: unknown;
    if (document.errors.length === 0) {
      try {
        value = document.toJS({ maxAliasCount });
      } catch (error) {
        this.syntaxErrors.push({ file, line: 1, col: 1, message: firstLine((error as Error).message) });
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
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === token,
        );
        if (!pair) break;
        if (last && options.key && isScalar(pair.key)) {
          found = pair.key as Node;
          break;
        }
        node = (pair.value as Node | null) ?? (pair.key as Node);
      } else if (isSeq(node)) {
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

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The parser's first line, without the position it repeats ("... at line 2, column 1:"). */
function firstLine(message: string): string {
  const line = message.split('\n')[0]?.trim() ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
