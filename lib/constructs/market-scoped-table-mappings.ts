import { REST_OF_WORLD } from '../config/schema';

/** Props for {@link marketScopedTableMappings}. */
export interface MarketScopedTableMappingsProps {
  /** The legacy schema to copy (every table in it). */
  readonly schema: string;
  /** The column holding each row's market (ISO code). */
  readonly marketColumn: string;
  /** Markets whose rows this copy may hold; `*` means rows of no declared market. */
  readonly markets: readonly string[];
  /** Every declared market, to tell the rest of the world apart from them. */
  readonly declaredMarkets: readonly string[];
}

/**
 * DMS table mappings that copy only the rows of the markets a location serves, never a whole
 * table: the legacy database holds every market's data, China's included.
 *
 * One selection rule includes rows whose market is one served here (conditions of a filter are
 * OR-ed). When the location serves the rest of the world, a second rule includes rows whose
 * market is none of the declared markets served elsewhere (separate filters are AND-ed).
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
 */
export function marketScopedTableMappings(props: MarketScopedTableMappingsProps): { rules: object[] } {
  const named = props.markets.filter((m) => m !== REST_OF_WORLD);
  const locator = { 'schema-name': props.schema, 'table-name': '%' };
  const rules: object[] = [];
  if (named.length > 0) {
    rules.push({
      'rule-type': 'selection',
      'rule-id': '1',
      'rule-name': 'rows-of-markets-served-here',
      'object-locator': locator,
      'rule-action': 'include',
      filters: [
        {
          'filter-type': 'source',
          'column-name': props.marketColumn,
          'filter-conditions': named.map((value) => ({ 'filter-operator': 'eq', value })),
        },
      ],
    });
  }
  if (props.markets.includes(REST_OF_WORLD)) {
    const elsewhere = props.declaredMarkets.filter((m) => !named.includes(m));
    rules.push({
      'rule-type': 'selection',
      'rule-id': '2',
      'rule-name': 'rows-of-undeclared-markets',
      'object-locator': locator,
      'rule-action': 'include',
      filters: elsewhere.map((value) => ({
        'filter-type': 'source',
        'column-name': props.marketColumn,
        'filter-conditions': [{ 'filter-operator': 'noteq', value }],
      })),
    });
  }
  return { rules };
}
