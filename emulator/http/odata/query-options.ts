import { errors } from '../../core/errors.js';
import type { EntityType } from './entity-type.js';
import { type FilterExpression, parseFilter } from './filter.js';

export interface OrderByItem {
  path: readonly string[];
  descending: boolean;
}

/** The OData system query options of one list request, checked against the listed entity type. */
export interface QueryOptions {
  filter?: FilterExpression;
  orderby?: readonly OrderByItem[];
  /** Top-level properties to keep (id always stays). */
  select?: readonly string[];
  top?: number;
  skip: number;
  /** Whether the answer carries @odata.count. */
  count: boolean;
}

/** policy graph-query-options: every option, or only the ones Graph documents for Bookings lists. */
export type QueryOptionsPolicy = 'supported' | 'documented-only';

/** The options Graph does not document on Bookings lists; `documented-only` refuses them. */
const undocumented = ['$filter', '$top', '$skip', '$orderby', '$select'] as const;

type QueryValue = string | readonly string[] | undefined;

const pointer = (option: string) => `query:${option}`;

function single(query: Record<string, QueryValue>, option: string): string | undefined {
  const value = query[option];
  if (Array.isArray(value))
    throw errors.invalidGraphRequest(pointer(option), 'is given more than once; give it once');
  return value as string | undefined;
}

function nonNegativeInteger(query: Record<string, QueryValue>, option: string): number | undefined {
  const text = single(query, option);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw errors.invalidGraphRequest(
      pointer(option),
      `is "${text}"; it must be a non-negative integer such as 10`,
    );
  return value;
}

function parseCount(query: Record<string, QueryValue>): boolean {
  const text = single(query, '$count');
  if (text === undefined) return false;
  const value = text.trim().toLowerCase();
  if (value !== 'true' && value !== 'false')
    throw errors.invalidGraphRequest(pointer('$count'), `is "${text}"; it must be true or false`);
  return value === 'true';
}

/** Splits a comma list, refusing empty items (`a,,b`, a trailing comma). */
function commaList(text: string, option: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === ''))
    throw errors.invalidGraphRequest(
      pointer(option),
      `is "${text}"; it must be a comma-separated list with no empty item`,
    );
  return items;
}

function parseOrderBy(text: string, type: EntityType): OrderByItem[] {
  return commaList(text, '$orderby').map((item) => {
    const [property = '', direction, ...extra] = item.split(/\s+/);
    const descending = direction?.toLowerCase() === 'desc';
    if (extra.length > 0 || (direction !== undefined && !['asc', 'desc'].includes(direction.toLowerCase())))
      throw errors.invalidGraphRequest(
        pointer('$orderby'),
        `has "${item}"; each item is a property, optionally followed by asc or desc`,
      );
    const path = property.split('/');
    if (!type.hasPath(path))
      throw errors.invalidGraphRequest(
        pointer('$orderby'),
        `names "${property}", which is not a property of ${type.name} (its properties: ${type.properties.join(', ')})`,
      );
    return { path, descending };
  });
}

function parseSelect(text: string, type: EntityType): string[] {
  const names = commaList(text, '$select');
  for (const name of names) {
    if (!type.properties.includes(name))
      throw errors.invalidGraphRequest(
        pointer('$select'),
        `names "${name}", which is not a property of ${type.name} (its properties: ${type.properties.join(', ')})`,
      );
  }
  return names;
}

/**
 * Reads $filter, $orderby, $select, $top, $skip and $count from a request's query (as Fastify
 * parsed it: a value, or a list when given twice). $expand is accepted and ignored, as the emulator
 * has no navigation properties to expand. Anything wrong is 400 InvalidGraphRequest naming the
 * option (`query:$filter`); under `documented-only` the undocumented options are 400 UnsupportedQuery.
 */
export function parseQueryOptions(
  query: Record<string, QueryValue>,
  type: EntityType,
  policy: QueryOptionsPolicy = 'supported',
): QueryOptions {
  if (policy === 'documented-only') {
    const refused = undocumented.find((option) => query[option] !== undefined);
    if (refused)
      throw errors.unsupportedQuery(
        refused,
        'is not supported on Bookings lists (policy graph-query-options=documented-only); Graph documents only $count and $expand',
      );
  }
  const filter = single(query, '$filter');
  const orderby = single(query, '$orderby');
  const select = single(query, '$select');
  const top = nonNegativeInteger(query, '$top');
  return {
    ...(filter === undefined ? {} : { filter: parseFilter(filter, type) }),
    ...(orderby === undefined ? {} : { orderby: parseOrderBy(orderby, type) }),
    ...(select === undefined ? {} : { select: parseSelect(select, type) }),
    ...(top === undefined ? {} : { top }),
    skip: nonNegativeInteger(query, '$skip') ?? 0,
    count: parseCount(query),
  };
}
