import { NagRuleCompliance } from 'cdk-nag';
import { deployedProperties, dig, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** Where each Firehose destination keeps data; a destination outside AWS has no provable region. */
const DESTINATIONS: readonly (readonly string[])[] = [
  ['S3DestinationConfiguration', 'BucketARN'],
  ['ExtendedS3DestinationConfiguration', 'BucketARN'],
  ['AmazonopensearchserviceDestinationConfiguration', 'DomainARN'],
  ['ElasticsearchDestinationConfiguration', 'DomainARN'],
  ['RedshiftDestinationConfiguration', 'ClusterJDBCURL'],
  ['HttpEndpointDestinationConfiguration', 'EndpointConfiguration', 'Url'],
  ['SplunkDestinationConfiguration', 'HECEndpoint'],
  ['SnowflakeDestinationConfiguration', 'AccountUrl'],
];

/** Firehose delivers only into regions the streamed markets allow. */
export const FirehoseDestination: ResidencyRule = {
  id: 'FirehoseDestination',
  info: 'The delivery stream delivers to a destination outside the regions its markets allow.',
  explanation:
    'Firehose copies every record to its destination. HTTP, Splunk and Snowflake endpoints are outside AWS and cannot be proven to sit in an allowed location.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::KinesisFirehose::DeliveryStream') return NagRuleCompliance.NOT_APPLICABLE;
    const props = deployedProperties(node);
    const markets = personalMarkets(policy, node);
    const findings = DESTINATIONS.filter(([section]) => props[section] !== undefined).flatMap((path) => {
      const region = policy.regionOfReference(node, dig(props, ...path));
      return disallowed(policy, markets, region, `delivered-via-${path[0].replace('DestinationConfiguration', '')}-to`);
    });
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
