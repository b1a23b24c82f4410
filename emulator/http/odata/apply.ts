import { matchesFilter } from './filter.js';
import type { OrderByItem, QueryOptions } from './query-options.js';

/** Graph pages its lists on the server; the emulator answers at most this many entities at a time. */
export const defaultPageSize = 100;

/** One page of a list: the entities, the count when asked for, and where the next page starts. */
export interface ListPage<T extends object = Record<string, unknown>> {
  value: T[];
  /** The number of entities that pass $filter, before $skip and $top ($count=true only). */
  count?: number;
  /** The $skip of the next page, when there is more. */
  nextSkip?: number;
}

type Entity = Record<string, unknown>;

function valueAt(entity: unknown, path: readonly string[]): unknown {
  let value = entity;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Entity)[segment];
  }
  return value ?? null;
}

const typeRank = (value: unknown) =>
  value === null ? 0 : ['boolean', 'number', 'string'].indexOf(typeof value) + 1;

/** OData's order: null first, then values of one type by their natural order. */
function compareValues(left: unknown, right: unknown): number {
  const rank = typeRank(left) - typeRank(right);
  if (rank !== 0 || left === null || typeof left === 'object') return rank;
  const [a, b] = [left, right] as [string | number | boolean, string | number | boolean];
  return a < b ? -1 : a > b ? 1 : 0;
}

function byOrder(orderby: readonly OrderByItem[]) {
  return (left: Entity, right: Entity) => {
    for (const { path, descending } of orderby) {
      const order = compareValues(valueAt(left, path), valueAt(right, path));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
}

/** Keeps the selected top-level properties, the id and OData control information. */
function selectProperties(entity: Entity, select: readonly string[] | undefined): Entity {
  if (!select) return entity;
  return Object.fromEntries(
    Object.entries(entity).filter(([name]) => name === 'id' || name.includes('@') || select.includes(name)),
  );
}

/**
 * Applies the query options to a list in OData's order: $filter, then $count, $orderby, $skip and
 * $top (or the server's page size, whichever is smaller), then $select. `present` makes the answer's
 * entity from a filtered one, for lists that filter on more than they show (businesses).
 * A page cut short, by $top or by the page size, names where the next one starts: the next
 * page asks for the same $top from there, so following the pages yields each entity once.
 */
export function applyQueryOptions(
  entities: readonly Entity[],
  options: QueryOptions,
  { pageSize = defaultPageSize, present = (entity: Entity) => entity } = {},
): ListPage {
  const { filter, orderby } = options;
  const matching = filter ? entities.filter((entity) => matchesFilter(filter, entity)) : [...entities];
  if (orderby) matching.sort(byOrder(orderby));
  const size = Math.min(options.top ?? pageSize, pageSize);
  const page = matching.slice(options.skip, options.skip + size);
  const end = options.skip + page.length;
  return {
    value: page.map((entity) => selectProperties(present(entity), options.select)),
    ...(options.count ? { count: matching.length } : {}),
    ...(end < matching.length && page.length > 0 ? { nextSkip: end } : {}),
  };
}
