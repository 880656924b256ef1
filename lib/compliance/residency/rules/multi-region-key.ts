import { NagRuleCompliance } from 'cdk-nag';
import { deployedProperties, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** Keys that protect personal data stay single-region. */
export const MultiRegionKey: ResidencyRule = {
  id: 'MultiRegionKey',
  info: 'A key that protects personal data is multi-region (or a replica in a region its markets do not allow).',
  explanation:
    'A multi-region key can be replicated to any region and decrypt the data there, which lets the data leave without anyone noticing. Each location keeps its own key.',
  check(policy, node) {
    const markets = personalMarkets(policy, node);
    if (node.cfnResourceType === 'AWS::KMS::Key') {
      if (deployedProperties(node).MultiRegion !== true || markets.length === 0)
        return NagRuleCompliance.NOT_APPLICABLE;
      return markets.map((m) => policy.finding(m, policy.regionOf(node), 'multi-region-key-in'));
    }
    if (node.cfnResourceType === 'AWS::KMS::ReplicaKey') {
      const findings = disallowed(policy, markets, policy.regionOf(node), 'key-replicated-to');
      return findings.length ? findings : NagRuleCompliance.COMPLIANT;
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
};
