import { describe, expect, it } from 'vitest';
import type { EmulatorError } from '../../core/errors.js';
import { applyQueryOptions, defaultPageSize } from './apply.js';
import { entityType } from './entity-type.js';
import { nextLink } from './next-link.js';
import { parseQueryOptions } from './query-options.js';

const service = entityType('graph-bookings', 'bookingService');

const services = [
  { id: 'c', displayName: 'Coffee', defaultPrice: 5, schedulingPolicy: { minimumLeadTime: 'PT1H' } },
  { id: 'a', displayName: 'Audit', defaultPrice: 50, schedulingPolicy: null },
  { id: 'b', displayName: 'Bento', defaultPrice: 10, schedulingPolicy: { minimumLeadTime: 'PT2H' } },
  { id: 'd', displayName: 'Bento', defaultPrice: 8, schedulingPolicy: null },
];

const query = (options: Record<string, string | string[]>) =>
  applyQueryOptions(services, parseQueryOptions(options, service));
const ids = (options: Record<string, string | string[]>) => query(options).value.map(({ id }) => id);

function refusal(options: Record<string, string | string[]>, policy?: 'documented-only'): EmulatorError {
  try {
    parseQueryOptions(options, service, policy);
  } catch (error) {
    return error as EmulatorError;
  }
  throw new Error(`${JSON.stringify(options)} was accepted`);
}

describe('query options', () => {
  it('answers every entity, in order, with no options', () => {
    expect(query({})).toEqual({ value: services });
  });

  it('orders by one or more properties, paths included, nulls first', () => {
    expect(ids({ $orderby: 'displayName' })).toEqual(['a', 'b', 'd', 'c']);
    expect(ids({ $orderby: 'displayName desc,defaultPrice' })).toEqual(['c', 'd', 'b', 'a']);
    expect(ids({ $orderby: 'displayName asc, defaultPrice desc' })).toEqual(['a', 'b', 'd', 'c']);
    expect(ids({ $orderby: 'schedulingPolicy/minimumLeadTime' })).toEqual(['a', 'd', 'c', 'b']);
  });

  it('filters, then counts what passed, then skips and takes', () => {
    const page = query({
      $filter: 'defaultPrice ge 8',
      $count: 'true',
      $orderby: 'defaultPrice',
      $skip: '1',
      $top: '1',
    });
    expect(page.value.map(({ id }) => id)).toEqual(['b']);
    expect(page.count).toBe(3);
    expect(page.nextSkip).toBe(2);
    expect(query({ $count: 'false' }).count).toBeUndefined();
  });

  it('keeps only the selected properties, with the id and control information', () => {
    const page = applyQueryOptions(
      [{ '@odata.type': '#microsoft.graph.bookingService', ...services[0] }],
      parseQueryOptions({ $select: 'defaultPrice' }, service),
    );
    expect(page.value).toEqual([
      { '@odata.type': '#microsoft.graph.bookingService', id: 'c', defaultPrice: 5 },
    ]);
  });

  it('filters on what it is given and answers what `present` makes of it', () => {
    const page = applyQueryOptions(
      services,
      parseQueryOptions({ $filter: "displayName eq 'Bento'" }, service),
      {
        present: (entity) => ({ id: entity.id }),
      },
    );
    expect(page.value).toEqual([{ id: 'b' }, { id: 'd' }]);
  });

  it('pages by the page size when there is no $top, and names no next page at the end', () => {
    const many = Array.from({ length: 5 }, (_, index) => ({ id: `s${index}` }));
    const options = parseQueryOptions({}, service);
    expect(applyQueryOptions(many, options, { pageSize: 2 })).toMatchObject({ nextSkip: 2 });
    expect(applyQueryOptions(many, { ...options, skip: 4 }, { pageSize: 2 }).nextSkip).toBeUndefined();
    expect(applyQueryOptions(many, { ...options, top: 3 }, { pageSize: 2 }).value).toHaveLength(2);
    expect(applyQueryOptions(many, { ...options, top: 0 }).value).toEqual([]);
    expect(defaultPageSize).toBe(100);
  });

  it.each([
    [{ $top: '-1' }, '$top', 'non-negative integer'],
    [{ $top: 'ten' }, '$top', 'non-negative integer'],
    [{ $skip: '1.5' }, '$skip', 'non-negative integer'],
    [{ $skip: '99999999999999999999' }, '$skip', 'non-negative integer'],
    [{ $top: ['1', '2'] }, '$top', 'more than once'],
    [{ $count: 'yes' }, '$count', 'true or false'],
    [{ $select: 'displayName,nope' }, '$select', 'names "nope"'],
    [{ $select: 'schedulingPolicy/minimumLeadTime' }, '$select', 'not a property'],
    [{ $select: 'displayName,' }, '$select', 'no empty item'],
    [{ $orderby: 'nope desc' }, '$orderby', 'names "nope"'],
    [{ $orderby: 'displayName sideways' }, '$orderby', 'asc or desc'],
    [{ $filter: "nope eq 'x'" }, '$filter', 'Invalid filter clause'],
  ])('refuses %j as 400 InvalidGraphRequest naming the option', (options, option, problem) => {
    const error = refusal(options);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('InvalidGraphRequest');
    expect(error.target).toBe(`query:${option}`);
    expect(error.message).toContain(problem);
  });

  it('under documented-only, refuses the options Graph does not document and keeps $count and $expand', () => {
    for (const option of ['$filter', '$top', '$skip', '$orderby', '$select']) {
      const error = refusal({ [option]: 'x' }, 'documented-only');
      expect(error.code).toBe('UnsupportedQuery');
      expect(error.target).toBe(`query:${option}`);
      expect(error.message).toContain('graph-query-options=documented-only');
    }
    expect(parseQueryOptions({ $count: 'true', $expand: 'x' }, service, 'documented-only')).toEqual({
      skip: 0,
      count: true,
    });
  });
});

describe('nextLink', () => {
  it('is the request URL made absolute with $skip set, other options as the client wrote them', () => {
    expect(nextLink('https://h', '/v1.0/x?$top=10&$filter=a%20eq%201', 10)).toBe(
      'https://h/v1.0/x?$top=10&$filter=a%20eq%201&$skip=10',
    );
    expect(nextLink('https://h', '/v1.0/x?%24skip=10&$top=10', 20)).toBe('https://h/v1.0/x?$top=10&$skip=20');
    expect(nextLink('http://h:4780', '/v1.0/x', 100)).toBe('http://h:4780/v1.0/x?$skip=100');
  });
});
