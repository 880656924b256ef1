import { dmsExactName, marketScopedTableMappings } from '../../lib/constructs/market-scoped-table-mappings';

interface Rule {
  readonly 'rule-type': string;
  readonly 'rule-id': string;
  readonly 'rule-name': string;
  readonly 'rule-action': string;
  readonly 'object-locator': { readonly 'schema-name': string; readonly 'table-name': string };
  readonly filters: {
    readonly 'filter-type': string;
    readonly 'column-name': string;
    readonly 'filter-conditions': { readonly 'filter-operator': string; readonly value: string }[];
  }[];
}

const DECLARED = ['US', 'SG', 'IN', 'CN', 'RU'];

/** The rules for the shop schema's tables, with the given markets served here. */
function rules(markets: readonly string[], tables: readonly string[] = ['orders', 'order_items']): Rule[] {
  return marketScopedTableMappings({
    schema: 'shop',
    tables,
    marketColumn: 'market_code',
    markets,
    declaredMarkets: DECLARED,
  }).rules as Rule[];
}

/**
 * Whether DMS reads a locator name as exactly one name: `%`, `_` and `[...]` are wildcards, and
 * only `[_]` (a literal underscore) may appear. Written here independently of the code under test.
 */
const hasUnescapedWildcard = (name: string) => /[%_[\]]/.test(name.replaceAll('[_]', ''));

describe('dmsExactName', () => {
  test.each([
    ['orders', 'orders'],
    ['order_items', 'order[_]items'],
    ['_audit_log_', '[_]audit[_]log[_]'],
    ['Customers', 'Customers'],
  ])('writes %s as %s', (name, expected) => {
    expect(dmsExactName(name)).toBe(expected);
  });

  test.each(['order%', 'order[s]', 'a]b', ''])('fails if the name is %j (no exact DMS form)', (name) => {
    expect(() => dmsExactName(name)).toThrow(/cannot be selected by exact name, expected a name without %, \[ or \]/);
  });
});

describe('marketScopedTableMappings', () => {
  test('selects each table by its exact name, never a wildcard, and only to include', () => {
    // WHEN
    const found = rules(['SG', 'IN']);
    // THEN
    expect(found.map((r) => r['object-locator'])).toEqual([
      { 'schema-name': 'shop', 'table-name': 'orders' },
      { 'schema-name': 'shop', 'table-name': 'order[_]items' },
    ]);
    // DMS applies filters only with rule-action include:
    // https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
    for (const rule of found) {
      expect(rule['rule-type']).toBe('selection');
      expect(rule['rule-action']).toBe('include');
    }
  });

  test('escapes every underscore of the schema name too', () => {
    const found = marketScopedTableMappings({
      schema: 'legacy_shop',
      tables: ['cart_items'],
      marketColumn: 'market_code',
      markets: ['US'],
      declaredMarkets: DECLARED,
    }).rules as Rule[];
    expect(found[0]['object-locator']).toEqual({ 'schema-name': 'legacy[_]shop', 'table-name': 'cart[_]items' });
  });

  test('filters each table to the markets served here, their conditions OR-ed in one filter', () => {
    const found = rules(['SG', 'IN']);
    expect(found.map((r) => r['rule-name'])).toEqual([
      'orders-rows-of-markets-served-here',
      'order_items-rows-of-markets-served-here',
    ]);
    for (const rule of found) {
      expect(rule.filters).toEqual([
        {
          'filter-type': 'source',
          'column-name': 'market_code',
          'filter-conditions': [
            { 'filter-operator': 'eq', value: 'SG' },
            { 'filter-operator': 'eq', value: 'IN' },
          ],
        },
      ]);
    }
  });

  test('one rule per table, in table order, so no table is matched by two include rules', () => {
    // WHEN a location serves US and the rest of the world
    const found = rules(['US', '*'], ['orders', 'order_items', 'carts']);
    // THEN
    expect(found.map((r) => [r['rule-id'], r['rule-name'], r['object-locator']['table-name']])).toEqual([
      ['1', 'orders-rows-of-markets-served-here', 'orders'],
      ['2', 'order_items-rows-of-markets-served-here', 'order[_]items'],
      ['3', 'carts-rows-of-markets-served-here', 'carts'],
    ]);
  });

  test('the rest of the world takes every row of no market served elsewhere: noteq filters, AND-ed', () => {
    // WHEN a location serves US and the rest of the world
    const found = rules(['US', '*']);
    // THEN each rule excludes every declared market but US, one filter per market
    expect(found).toHaveLength(2);
    for (const rule of found) {
      expect(rule.filters).toEqual(
        ['SG', 'IN', 'CN', 'RU'].map((value) => ({
          'filter-type': 'source',
          'column-name': 'market_code',
          'filter-conditions': [{ 'filter-operator': 'noteq', value }],
        })),
      );
    }
  });

  test('a location serving only the rest of the world excludes every declared market', () => {
    const found = rules(['*']);
    expect(found[0].filters.map((f) => f['filter-conditions'][0].value)).toEqual(DECLARED);
  });

  test('rule IDs are sequential and rule names unique', () => {
    const found = rules(['SG', '*'], ['orders', 'order_items', 'customers', 'carts']);
    expect(found.map((r) => r['rule-id'])).toEqual(found.map((_, i) => String(i + 1)));
    expect(new Set(found.map((r) => r['rule-name'])).size).toBe(found.length);
  });

  test('no emitted schema-name or table-name holds an unescaped wildcard', () => {
    // GIVEN names full of underscores, which DMS would read as one-character wildcards
    const found = marketScopedTableMappings({
      schema: 'legacy_commerce_v2',
      tables: ['orders', 'order_items', '_audit_', 'user_profile_photo_v2'],
      marketColumn: 'market_code',
      markets: ['SG', 'IN', '*'],
      declaredMarkets: DECLARED,
    }).rules as Rule[];
    // THEN every locator names exactly one schema and one table
    const names = found.flatMap((r) => [r['object-locator']['schema-name'], r['object-locator']['table-name']]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter(hasUnescapedWildcard)).toEqual([]);
  });

  test('fails if no table is given (a whole-schema wildcard would carry every market)', () => {
    expect(() => rules(['SG'], [])).toThrow(/no tables to replicate from schema "shop", expected at least one table/);
  });

  test('fails if a table is given twice', () => {
    expect(() => rules(['SG'], ['orders', 'orders'])).toThrow(/table "orders" listed twice, expected each table once/);
  });

  test('fails if a table name is a DMS wildcard', () => {
    expect(() => rules(['SG'], ['%'])).toThrow(/"%" cannot be selected by exact name/);
  });
});
