import { NagRuleCompliance } from 'cdk-nag';
import { DATA_BEARING_TYPES } from '../data-bearing';
import type { ResidencyRule } from './residency-rule';

/** Every data store says whose data it holds: markets, or `none`. */
export const DataStoreTagged: ResidencyRule = {
  id: 'DataStoreTagged',
  info: 'The data store has no residency:markets tag, so nobody can tell whose personal data it holds.',
  explanation:
    'Every database, bucket, table, queue, topic, stream, secret, file system and log group is created for a known set of markets (declareResidency) or declared to hold no personal data ("none").',
  check(policy, node) {
    if (!DATA_BEARING_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    return policy.marketsOf(node) === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
