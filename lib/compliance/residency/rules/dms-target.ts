import { type Flow, flowRule } from './residency-rule';

/** Settings blocks whose presence makes a target endpoint write to that kind of store. */
const TARGET_SETTINGS: readonly (readonly [string, string])[] = [
  ['S3Settings', 'BucketName'],
  ['KinesisSettings', 'StreamArn'],
  ['ElasticsearchSettings', 'EndpointUri'],
  ['KafkaSettings', 'Broker'],
  ['RedshiftSettings', 'BucketName'],
];

/** Database migration writes only into regions the migrated markets allow. */
export const DmsTarget = flowRule({
  id: 'DmsTarget',
  info: 'A DMS target endpoint writes to a place outside the regions its markets allow, or to one that cannot be located.',
  explanation:
    "Replication copies every selected row to the target. Point the target at a database of this app (its endpoint attribute) in a region each migrated market allows, or at a provider site's database the plan names (platform.yaml locations[].database) where each market may live; another host name outside this app, a Kafka broker or a bucket named from elsewhere cannot be placed.",
  how: 'migrated-to',
  covers: {
    'AWS::DMS::Endpoint': ['ServerName', ...TARGET_SETTINGS.map(([section]) => section)],
  },
  flows: (props, _node, policy) => {
    if (props.EndpointType !== 'target') return [];
    const flows: Flow[] = TARGET_SETTINGS.filter(([section]) => props[section] !== undefined).map(([section, key]) => {
      const value = (props[section] as Record<string, unknown>)[key];
      // A bucket is named, not addressed: place the name through the app's buckets.
      return {
        value: key === 'BucketName' && typeof value === 'string' ? `arn:aws:s3:::${value}` : value,
        via: `${section}.${key}`,
      };
    });
    if (props.ServerName !== undefined) {
      // A provider's database the plan names is placed at its site, not in a region.
      const site = policy.providerDatabaseSite(props.ServerName);
      flows.push({
        value: props.ServerName,
        via: 'ServerName',
        whereabouts: site ? [{ kind: 'site', location: site }] : undefined,
      });
    }
    return flows;
  },
});
