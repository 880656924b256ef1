import { NagRuleCompliance } from 'cdk-nag';
import { DATA_BEARING_TYPES } from '../data-bearing';
import { disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** A data store sits only where every market it holds allows. */
export const DataStoreLocation: ResidencyRule = {
  id: 'DataStoreLocation',
  info: 'The data store holds personal data of a market that may not have its data in this region.',
  explanation:
    "Each market lists the locations where its users' personal data may live (phases/platform.yaml). A store in any other region breaks that market's law or contract.",
  check(policy, node) {
    if (!DATA_BEARING_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const findings = disallowed(policy, personalMarkets(policy, node), policy.regionOf(node), 'stored-in');
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
