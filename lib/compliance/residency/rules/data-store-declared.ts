import { Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { DATA_BEARING_TYPES } from '../data-bearing';
import { declarationOf, NO_PERSONAL_DATA } from '../residency-declaration';
import type { ResidencyRule } from './residency-rule';

/** Every data store is declared: whose data it holds, or none, said of the store itself. */
export const DataStoreDeclared: ResidencyRule = {
  id: 'DataStoreDeclared',
  info: 'The data store sits under no residency declaration, or only under a whole stack declared to hold no personal data.',
  explanation:
    'Every database, bucket, table, queue, topic, stream, secret, file system, cache and log group must sit under a declareResidency call naming its markets (usually its stack\'s, from the phase composition), or be declared "none" itself with a reason. A stack declared "none" (edge, routing) does not vouch for a store someone adds to it later: declare the store, or put it in a data stack.',
  check(_policy, node) {
    if (!DATA_BEARING_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const site = declarationOf(node);
    if (!site) return NagRuleCompliance.NON_COMPLIANT;
    return site.declaration.markets === NO_PERSONAL_DATA && Stack.isStack(site.scope)
      ? NagRuleCompliance.NON_COMPLIANT
      : NagRuleCompliance.COMPLIANT;
  },
};
