import { NagRuleCompliance } from 'cdk-nag';
import { DATA_BEARING_TYPES } from '../data-bearing';
import type { ResidencyRule } from './residency-rule';

/** Every data store is declared: whose data it holds, or none. */
export const DataStoreDeclared: ResidencyRule = {
  id: 'DataStoreDeclared',
  info: 'The data store sits under no residency declaration, so nobody knows whose data it holds.',
  explanation:
    'Every database, bucket, table, queue, topic, stream, secret, file system, cache and log group must sit under a declareResidency call (usually its stack\'s, from the phase composition) naming its markets, or "none" with a reason. Add the store to a declared stack, or declare its scope.',
  check(policy, node) {
    if (!DATA_BEARING_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    return policy.marketsOf(node) === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
