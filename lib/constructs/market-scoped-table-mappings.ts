import { REST_OF_WORLD } from '../config/schema';

/** Props for {@link marketScopedTableMappings}. */
export interface MarketScopedTableMappingsProps {
  /** The legacy schema the tables are in. */
  readonly schema: string;
  /**
   * The tables to copy, each by its exact name (at least one). Every one must have `marketColumn`.
   */
  readonly tables: readonly string[];
  /** The column holding each row's market (ISO code). */
  readonly marketColumn: string;
  /** Markets whose rows this copy may hold; `*` means rows of no declared market. */
  readonly markets: readonly string[];
  /** Every declared market, to tell the rest of the world apart from them. */
  readonly declaredMarkets: readonly string[];
}

/**
 * A schema or table name as a DMS object locator that matches exactly that name. DMS reads `%`
 * as any run of characters, `_` as any one character and `[...]` as a set or range, so each `_`
 * is written `[_]` (a literal underscore): `order_items` becomes `order[_]items`. Names with `%`,
 * `[` or `]` cannot be selected exactly by this helper and are refused.
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Wildcards.html
 */
export function dmsExactName(name: string): string {
  if (name.length === 0 || /[%[\]]/.test(name)) {
    throw new Error(`${JSON.stringify(name)} cannot be selected by exact name, expected a name without %, [ or ]`);
  }
  return name.replaceAll('_', '[_]');
}

/**
 * DMS table mappings that copy only the rows of the markets a location serves, never a whole
 * table: the legacy database holds every market's data, China's included.
 *
 * DMS applies filters only to tables selected by exact name, and only with `rule-action:
 * include`, so each table gets one selection rule with an exact object locator: rows whose market
 * is one served here (conditions of a filter are OR-ed) or, when the location serves the rest of
 * the world, rows whose market is none of the declared markets served elsewhere (separate filters
 * are AND-ed), which takes its named markets and every undeclared one. The market column
 * must never be updated after a row is created: DMS filters only immutable columns reliably.
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
 */
export function marketScopedTableMappings(props: MarketScopedTableMappingsProps): { rules: object[] } {
  if (props.tables.length === 0) {
    throw new Error(
      `no tables to replicate from schema ${JSON.stringify(props.schema)}, expected at least one table selected by exact name`,
    );
  }
  const repeated = props.tables.filter((t, i) => props.tables.indexOf(t) !== i);
  if (repeated.length > 0) {
    throw new Error(`table ${JSON.stringify(repeated[0])} listed twice, expected each table once`);
  }

  const named = props.markets.filter((m) => m !== REST_OF_WORLD);
  const elsewhere = props.declaredMarkets.filter((m) => !named.includes(m));
  const rules: object[] = [];
  const select = (table: string, name: string, filters: object[]) =>
    rules.push({
      'rule-type': 'selection',
      'rule-id': String(rules.length + 1),
      'rule-name': `${table}-${name}`,
      'object-locator': { 'schema-name': dmsExactName(props.schema), 'table-name': dmsExactName(table) },
      'rule-action': 'include',
      filters,
    });

  // One rule per table, so no table is matched by two include rules. A location serving the
  // rest of the world takes every row whose market is not served elsewhere (its own markets and
  // undeclared ones): `noteq` filters, AND-ed. Otherwise it takes its own markets: `eq`, OR-ed.
  const filters = props.markets.includes(REST_OF_WORLD)
    ? elsewhere.map((value) => ({
        'filter-type': 'source',
        'column-name': props.marketColumn,
        'filter-conditions': [{ 'filter-operator': 'noteq', value }],
      }))
    : [
        {
          'filter-type': 'source',
          'column-name': props.marketColumn,
          'filter-conditions': named.map((value) => ({ 'filter-operator': 'eq', value })),
        },
      ];
  for (const table of props.tables) select(table, 'rows-of-markets-served-here', filters);
  return { rules };
}
