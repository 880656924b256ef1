import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DATA_BEARING_TYPES } from './data-bearing';
import type { ResidencyPolicy } from './residency-policy';

/** One data store in the residency map. */
export interface MappedStore {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
}

/** market -> { allowed locations, location -> data stores holding its users' data }. */
export type ResidencyMap = Record<
  string,
  { readonly allowedLocations: readonly string[]; readonly stores: Record<string, MappedStore[]> }
>;

/**
 * Where each market's data is, from the synthesized tree: for reviewers, auditors, and the
 * data-protection officer who must answer "where do Indian users' photos live?".
 */
export function residencyMap(root: IConstruct, policy: ResidencyPolicy): ResidencyMap {
  const map: ResidencyMap = {};
  for (const market of policy.markets) {
    map[market] = {
      allowedLocations: market === '*' ? ['anywhere'] : (policy.plan.market(market)?.allowedLocations ?? []),
      stores: {},
    };
  }
  const stores = root.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && DATA_BEARING_TYPES.has(c.cfnResourceType));
  for (const store of stores) {
    const markets = policy.marketsOf(store);
    if (!Array.isArray(markets)) continue;
    const region = policy.regionOf(store) ?? 'unknown';
    const location = policy.locationOfRegion(region) ?? region;
    const entry = {
      stack: Stack.of(store).stackName,
      logicalId: Stack.of(store).resolve(store.logicalId),
      type: store.cfnResourceType,
    };
    for (const market of markets) {
      const stores = map[market]?.stores;
      if (stores) stores[location] = [...(stores[location] ?? []), entry];
    }
  }
  return map;
}
