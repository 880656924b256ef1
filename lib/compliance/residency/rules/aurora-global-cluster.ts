import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { deployedProperties, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

function clusters(root: IConstruct): CfnResource[] {
  return root.node
    .findAll()
    .filter((c): c is CfnResource => (c as CfnResource).cfnResourceType === 'AWS::RDS::DBCluster');
}

/** An Aurora global database spans only regions its markets allow. */
export const AuroraGlobalCluster: ResidencyRule = {
  id: 'AuroraGlobalCluster',
  info: 'The Aurora cluster joins a global database with a member in a region one of its markets does not allow.',
  explanation:
    'A global database replicates storage to every member region. Members are found by their global cluster identifier; an identifier that cannot be read is a finding, because the copies cannot be proven.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::RDS::DBCluster') return NagRuleCompliance.NOT_APPLICABLE;
    const id = deployedProperties(node).GlobalClusterIdentifier;
    if (id === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const markets = personalMarkets(policy, node);
    if (typeof id !== 'string') return disallowed(policy, markets, undefined, 'global-database-member-in');
    const root = node.node.root;
    const memberRegions = clusters(root)
      .filter((c) => deployedProperties(c).GlobalClusterIdentifier === id)
      .map((c) => Stack.of(c).region);
    const findings = [...new Set(memberRegions)].flatMap((region) =>
      disallowed(policy, markets, region, `global-database-${id}-member-in`),
    );
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
