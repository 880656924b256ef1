import { NagRuleCompliance } from 'cdk-nag';
import { REST_OF_WORLD } from '../../../config/schema';
import type { ResidencyPolicy } from '../residency-policy';
import { asArray, deployedProperties, dig, disallowed, type ResidencyRule } from './residency-rule';

/** Markets whose rows one DMS selection rule includes, read from its filters on the market column. */
function includedMarkets(policy: ResidencyPolicy, rule: unknown, column: string): string[] {
  const filters = asArray(dig(rule, 'filters')).filter((f) => dig(f, 'column-name') === column);
  const conditions = (f: unknown) => asArray(dig(f, 'filter-conditions'));
  const operatorOf = (f: unknown) => new Set(conditions(f).map((c) => dig(c, 'filter-operator')));
  const valuesOf = (f: unknown) => conditions(f).map((c) => String(dig(c, 'value')));

  let included = policy.markets;
  for (const filter of filters) {
    const operators = operatorOf(filter);
    if (operators.size === 1 && operators.has('eq')) {
      // Conditions of one filter are OR-ed; separate filters are AND-ed.
      const values = valuesOf(filter);
      included = included.filter((m) => values.includes(m));
    } else if (operators.size === 1 && operators.has('noteq') && conditions(filter).length === 1) {
      const [excluded] = valuesOf(filter);
      included = included.filter((m) => m !== excluded);
    }
    // Any other filter shape narrows nothing that can be proven; the rule stays conservative.
  }
  return included.filter((m) => m !== REST_OF_WORLD);
}

/** Replication from the legacy database copies only rows of markets allowed where it lands. */
export const DmsTableMappingScoped: ResidencyRule = {
  id: 'DmsTableMappingScoped',
  info: "The replication's table mappings include rows of a market whose data may not live in this region.",
  explanation:
    "The legacy database holds every market's rows, China's included. Each selection rule must filter on the plan's market column so that only rows of markets allowed here are copied.",
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
        return ['table-mappings=unreadable'];
      }
    }
    const column = policy.plan.platform.legacy.database.marketColumn;
    const includes = asArray(dig(mappings, 'rules')).filter(
      (r) => dig(r, 'rule-type') === 'selection' && dig(r, 'rule-action') === 'include',
    );
    const region = policy.regionOf(node);
    const findings = includes.flatMap((rule) =>
      disallowed(policy, includedMarkets(policy, rule, column), region, 'replicated-from-legacy-to'),
    );
    return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
