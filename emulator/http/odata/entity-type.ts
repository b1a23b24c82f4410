import { loadSchemaDocument } from '../../core/schemas/documents.js';

type SchemaNode = Record<string, unknown>;

/** An entity type as a JSON Schema definition declares it: what OData query options may name. */
export interface EntityType {
  /** The definition's name, as messages name the type (bookingService). */
  readonly name: string;
  /** Every property, in the schema's order, OData control information (`@odata.type`) left out. */
  readonly properties: readonly string[];
  /** The properties a client may set: the others are readOnly in the schema. */
  readonly writable: ReadonlySet<string>;
  /** Whether a property path (`startDateTime/dateTime` as its segments) names a property. */
  hasPath(path: readonly string[]): boolean;
}

/** `@odata.type`, `@odata.context`, `role@odata.type`: OData's control information, not data. */
export const isControlInformation = (name: string): boolean => name.includes('@');

const schemaFile = /^([a-z0-9.-]+)\.schema\.json$/;

/** A node the way `$ref` reaches it: a file (or this one) and a JSON pointer into it. */
function resolveRef(ref: string, documentName: string): { node: SchemaNode; documentName: string } {
  const [file = '', pointer = ''] = ref.split('#');
  const name = file === '' ? documentName : (schemaFile.exec(file)?.[1] ?? file);
  let node: unknown = loadSchemaDocument(name);
  for (const segment of pointer.split('/').filter(Boolean)) {
    const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as SchemaNode | undefined)?.[key];
  }
  return { node: (node ?? {}) as SchemaNode, documentName: name };
}

/** The alternatives a node stands for once `$ref`, `anyOf` and `oneOf` are followed. */
function alternatives(node: SchemaNode, documentName: string, depth = 0): Array<[SchemaNode, string]> {
  if (depth > 16) return [];
  if (typeof node.$ref === 'string') {
    const target = resolveRef(node.$ref, documentName);
    return [[node, documentName], ...alternatives(target.node, target.documentName, depth + 1)];
  }
  const branches = [...((node.anyOf as SchemaNode[]) ?? []), ...((node.oneOf as SchemaNode[]) ?? [])];
  return [
    [node, documentName],
    ...branches.flatMap((branch) => alternatives(branch, documentName, depth + 1)),
  ];
}

function propertySchema(
  node: SchemaNode,
  documentName: string,
  name: string,
): [SchemaNode, string] | undefined {
  for (const [alternative, document] of alternatives(node, documentName)) {
    const properties = alternative.properties as Record<string, SchemaNode> | undefined;
    if (properties && Object.hasOwn(properties, name)) return [properties[name] as SchemaNode, document];
  }
  return undefined;
}

const isReadOnly = (node: SchemaNode, documentName: string) =>
  alternatives(node, documentName).some(([alternative]) => alternative.readOnly === true);

const cache = new Map<string, EntityType>();

/**
 * The entity type of `definition` in schemas/`document`.schema.json, read on first use. A path may
 * step into complex values (startDateTime/dateTime), not into collections: OData needs a lambda
 * operator there, which the emulator does not offer.
 */
export function entityType(document: string, definition: string): EntityType {
  const key = `${document}#${definition}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const root = resolveRef(`#/$defs/${definition}`, document);
  const declared = (root.node.properties as Record<string, SchemaNode> | undefined) ?? {};
  const properties = Object.keys(declared).filter((name) => !isControlInformation(name));
  const type: EntityType = {
    name: definition,
    properties,
    writable: new Set(
      properties.filter((name) => !isReadOnly(declared[name] as SchemaNode, root.documentName)),
    ),
    hasPath(path) {
      let at: [SchemaNode, string] | undefined = [root.node, root.documentName];
      for (const segment of path) {
        if (isControlInformation(segment)) return false;
        at = at && propertySchema(at[0], at[1], segment);
        if (!at) return false;
      }
      return path.length > 0;
    },
  };
  cache.set(key, type);
  return type;
}
