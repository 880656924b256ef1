import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DATA_BEARING_TYPES } from './data-bearing';
import { declarationsIn, NO_PERSONAL_DATA } from './residency-declaration';
import type { ResidencyPolicy } from './residency-policy';

/** One data store in the residency map. */
export interface MappedStore {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
}

/** Where each market's data is, and every scope declared to hold no personal data, with why. */
export interface ResidencyMap {
  /** market -> { allowed locations, location -> data stores holding its users' data }. */
  readonly markets: Record<
    string,
    { readonly allowedLocations: readonly string[]; readonly stores: Record<string, MappedStore[]> }
  >;
  /** Every declaration of "none", for reviewers: the pack trusts these. */
  readonly noPersonalData: readonly { readonly path: string; readonly reason: string }[];
  /** Every declaration that gives a reason for holding fewer markets than its stack, for reviewers. */
  readonly narrowed: readonly { readonly path: string; readonly markets: readonly string[]; readonly reason: string }[];
}

/**
 * Where each market's data is, from the synthesized tree: for reviewers, auditors, and the
 * data-protection officer who must answer "where do Indian users' photos live?".
 */
export function residencyMap(root: IConstruct, policy: ResidencyPolicy): ResidencyMap {
  const markets: ResidencyMap['markets'] = {};
  for (const market of policy.markets) {
    markets[market] = {
      allowedLocations: market === '*' ? ['anywhere'] : (policy.plan.market(market)?.allowedLocations ?? []),
      stores: {},
    };
  }
  const stores = root.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && DATA_BEARING_TYPES.has(c.cfnResourceType));
  for (const store of stores) {
    const held = policy.marketsOf(store);
    if (!Array.isArray(held)) continue;
    const region = policy.regionOf(store) ?? 'unknown';
    const location = policy.locationOfRegion(region) ?? region;
    const entry = {
      stack: Stack.of(store).stackName,
      logicalId: Stack.of(store).resolve(store.logicalId),
      type: store.cfnResourceType,
    };
    for (const market of held) {
      const byLocation = markets[market]?.stores;
      if (byLocation) byLocation[location] = [...(byLocation[location] ?? []), entry];
    }
  }
  const declarations = declarationsIn(root);
  const noPersonalData = declarations.flatMap(({ declaration, path }) =>
    declaration.markets === NO_PERSONAL_DATA ? [{ path, reason: declaration.reason }] : [],
  );
  const narrowed = declarations.flatMap(({ declaration, path }) =>
    declaration.markets !== NO_PERSONAL_DATA && declaration.reason
      ? [{ path, markets: declaration.markets, reason: declaration.reason }]
      : [],
  );
  return { markets, noPersonalData, narrowed };
}
