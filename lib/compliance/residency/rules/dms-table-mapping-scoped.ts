import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { REST_OF_WORLD } from '../../../config/schema';
import type { ResidencyPolicy } from '../residency-policy';
import { locate, type Whereabouts } from '../whereabouts';
import { asArray, deployedProperties, dig, type ResidencyRule } from './residency-rule';

/**
 * Whether a DMS object-locator name is exact. `%` and `_` are wildcards and `[...]` a set; only
 * `[_]` (a literal underscore) may appear.
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Wildcards.html
 */
export function isExactDmsName(name: unknown): boolean {
  return typeof name === 'string' && name.length > 0 && !/[%_[\]]/.test(name.replaceAll('[_]', ''));
}

/** Markets whose rows one selection rule's filters let through (conditions OR-ed, filters AND-ed). */
function filteredMarkets(policy: ResidencyPolicy, rule: unknown, column: string): string[] {
  const filters = asArray(dig(rule, 'filters')).filter((f) => dig(f, 'column-name') === column);
  let included = policy.markets;
  for (const filter of filters) {
    const conditions = asArray(dig(filter, 'filter-conditions'));
    const operators = new Set(conditions.map((c) => dig(c, 'filter-operator')));
    const values = conditions.map((c) => String(dig(c, 'value')));
    if (operators.size === 1 && operators.has('eq')) {
      included = included.filter((m) => values.includes(m));
    } else if (operators.size === 1 && operators.has('noteq') && conditions.length === 1) {
      included = included.filter((m) => m !== values[0]);
    }
    // Any other shape narrows nothing that can be proven; the rule stays conservative.
  }
  return included;
}

/**
 * Where the replication's target endpoint writes: a region or a provider's site, for an endpoint
 * of this stack (its `Ref`). An endpoint named any other way (an ARN, an import) cannot be read,
 * so where its rows land is unprovable; an endpoint of this stack whose host cannot be placed is
 * DmsTarget's finding, not this one.
 */
function targetPlaces(policy: ResidencyPolicy, node: CfnResource): Whereabouts[] {
  const arn = deployedProperties(node).TargetEndpointArn;
  const id = dig(arn, 'Ref');
  const stack = Stack.of(node);
  const endpoint =
    typeof id === 'string'
      ? stack.node
          .findAll()
          .find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === id)
      : undefined;
  if (endpoint?.cfnResourceType !== 'AWS::DMS::Endpoint') {
    return [{ kind: 'unprovable', why: 'target-endpoint-not-of-this-stack' }];
  }
  const server = deployedProperties(endpoint).ServerName;
  const site = policy.providerDatabaseSite(server);
  if (site) return [{ kind: 'site', location: site }];
  return locate(stack, server).filter((w) => w.kind === 'region');
}

/** Replication copies only rows of markets allowed where it runs and lands. */
export const DmsTableMappingScoped: ResidencyRule = {
  id: 'DmsTableMappingScoped',
  info: "The replication's table mappings let through rows of a market whose data may not be in this region or at its target (no market filter, a filter DMS will not apply, an explicit selection, or a market the target's location does not allow).",
  explanation:
    "The legacy database holds every market's rows, China's included, and DMS sees every row it selects in the region where it runs. Select each table by its exact name (DMS applies source filters only to exact names, and only on rule-action include; explicit selections are never filtered) and filter on the plan's market column so only rows of markets allowed here pass.",
  covers: {
    'AWS::DMS::ReplicationConfig': ['TableMappings'],
    'AWS::DMS::ReplicationTask': ['TableMappings'],
  },
  check(policy, node) {
    const type = node.cfnResourceType;
    if (type !== 'AWS::DMS::ReplicationConfig' && type !== 'AWS::DMS::ReplicationTask') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const raw = deployedProperties(node).TableMappings;
    let mappings: unknown = raw;
    if (typeof raw === 'string') {
      try {
        mappings = JSON.parse(raw);
      } catch {
        return policy.markets
          .filter((m) => m !== REST_OF_WORLD)
          .map((m) => policy.finding(m, 'unprovable:unreadable-table-mappings', 'replicated-to'));
      }
    } else if (typeof raw !== 'object' || raw === null) {
      return policy.markets
        .filter((m) => m !== REST_OF_WORLD)
        .map((m) => policy.finding(m, 'unprovable:table-mappings-built-from-tokens', 'replicated-to'));
    }
    const column = policy.plan.platform.legacy.database.marketColumn;
    const region = policy.regionOf(node);
    const target = targetPlaces(policy, node);
    const findings = asArray(dig(mappings, 'rules'))
      .filter((r) => dig(r, 'rule-type') === 'selection' && dig(r, 'rule-action') !== 'exclude')
      .flatMap((rule) => {
        const id = String(dig(rule, 'rule-id') ?? dig(rule, 'rule-name') ?? '?');
        const locator = dig(rule, 'object-locator');
        const exact = isExactDmsName(dig(locator, 'schema-name')) && isExactDmsName(dig(locator, 'table-name'));
        // https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
        const unfiltered =
          dig(rule, 'rule-action') !== 'include' ? 'explicit-selection' : exact ? undefined : 'wildcard-table';
        const markets = unfiltered ? policy.markets : filteredMarkets(policy, rule, column);
        const via = `rule-${id}${unfiltered ? `-${unfiltered}-filters-not-applied` : ''}`;
        return [
          ...markets
            .filter((m) => !policy.allowsRegion(m, region))
            .map((m) => policy.finding(m, region, 'replicated-from-legacy-to', via)),
          // The rows the mapping lets through also land at the target, whatever the stack declares.
          ...policy.disallowedAt(markets, target, 'replicated-to', `${via};target`),
        ];
      });
    return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
