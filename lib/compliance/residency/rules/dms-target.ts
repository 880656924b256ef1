import { NagRuleCompliance } from 'cdk-nag';
import { deployedProperties, dig, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

const HOSTNAME_REGION = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.(?:rds|redshift|es|docdb|neptune)\.amazonaws\.com/;

/** Database migration writes only into regions the migrated markets allow. */
export const DmsTarget: ResidencyRule = {
  id: 'DmsTarget',
  info: 'A DMS target endpoint writes to a place outside the regions its markets allow, or to one that cannot be located.',
  explanation:
    'Replication from the legacy database copies every row to the target. The target must be a store in a region the migrated markets allow.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::DMS::Endpoint') return NagRuleCompliance.NOT_APPLICABLE;
    const props = deployedProperties(node);
    if (props.EndpointType !== 'target') return NagRuleCompliance.NOT_APPLICABLE;
    const candidates = [
      dig(props, 'S3Settings', 'BucketName'),
      dig(props, 'KinesisSettings', 'StreamArn'),
      dig(props, 'ElasticsearchSettings', 'EndpointUri'),
      props.ServerName,
    ].filter((c) => c !== undefined);
    const region =
      candidates.map((c) => policy.regionOfReference(node, c)).find((r) => r !== undefined) ??
      candidates
        .map((c) => (typeof c === 'string' ? HOSTNAME_REGION.exec(c)?.[1] : undefined))
        .find((r) => r !== undefined);
    const findings = disallowed(policy, personalMarkets(policy, node), region, 'migrated-to');
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
