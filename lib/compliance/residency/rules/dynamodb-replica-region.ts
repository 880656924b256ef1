import { NagRuleCompliance } from 'cdk-nag';
import { asArray, deployedProperties, dig, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** A global table has replicas only in regions its markets allow. */
export const DynamoDbReplicaRegion: ResidencyRule = {
  id: 'DynamoDbReplicaRegion',
  info: 'The global table has a replica in a region one of its markets does not allow.',
  explanation: 'Every replica of a DynamoDB global table is a full, writable copy of the table.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::DynamoDB::GlobalTable') return NagRuleCompliance.NOT_APPLICABLE;
    const markets = personalMarkets(policy, node);
    const findings = asArray(dig(deployedProperties(node), 'Replicas')).flatMap((replica) => {
      const region = dig(replica, 'Region');
      return disallowed(policy, markets, typeof region === 'string' ? region : undefined, 'replicated-to');
    });
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
