import { NagRuleCompliance } from 'cdk-nag';
import { asArray, deployedProperties, dig, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** Replication copies a bucket only into regions its markets allow. */
export const S3ReplicationDestination: ResidencyRule = {
  id: 'S3ReplicationDestination',
  info: 'The bucket replicates personal data to a bucket in a region one of its markets does not allow.',
  explanation: 'Replication makes a full copy elsewhere; the copy is bound by the same residency as the source.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
    const rules = asArray(dig(deployedProperties(node), 'ReplicationConfiguration', 'Rules'));
    if (rules.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const markets = personalMarkets(policy, node);
    const findings = rules.flatMap((rule) =>
      disallowed(policy, markets, policy.regionOfReference(node, dig(rule, 'Destination', 'Bucket')), 'replicated-to'),
    );
    return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
