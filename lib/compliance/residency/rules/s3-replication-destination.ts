import { dig, each, flowRule } from './residency-rule';

/** Replication, inventory and analytics exports copy a bucket's data only into regions its markets allow. */
export const S3ReplicationDestination = flowRule({
  id: 'S3ReplicationDestination',
  info: 'The bucket copies personal data (objects, or inventory and analytics exports listing their keys) to a bucket outside the regions its markets allow.',
  explanation:
    'Replication makes a full copy elsewhere, and inventory and analytics exports list object keys, which hold user IDs. Point every destination at a bucket of this app in a region each market allows (a Ref or ARN the pack can place).',
  how: 'replicated-to',
  covers: {
    'AWS::S3::Bucket': [
      'ReplicationConfiguration',
      'InventoryConfigurations',
      'AnalyticsConfigurations',
      'LoggingConfiguration',
    ],
  },
  flows: (props, node, policy) => [
    ...each(dig(props, 'ReplicationConfiguration', 'Rules'), 'ReplicationConfiguration.Rules').map(
      ({ item, path }) => ({
        value: dig(item, 'Destination', 'Bucket'),
        via: `${path}.Destination.Bucket`,
      }),
    ),
    ...each(props.InventoryConfigurations, 'InventoryConfigurations').map(({ item, path }) => ({
      value: dig(item, 'Destination', 'BucketArn'),
      via: `${path}.Destination.BucketArn`,
    })),
    ...each(props.AnalyticsConfigurations, 'AnalyticsConfigurations')
      .filter(({ item }) => dig(item, 'StorageClassAnalysis', 'DataExport') !== undefined)
      .map(({ item, path }) => ({
        value: dig(item, 'StorageClassAnalysis', 'DataExport', 'Destination', 'BucketArn'),
        via: `${path}.StorageClassAnalysis.DataExport.Destination.BucketArn`,
      })),
    // S3 requires the access-log bucket to be in the source bucket's region:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    ...(props.LoggingConfiguration === undefined
      ? []
      : [
          {
            value: undefined,
            via: 'LoggingConfiguration.DestinationBucketName',
            whereabouts: [{ kind: 'region' as const, region: policy.regionOf(node) ?? 'unknown-region' }],
          },
        ]),
  ],
});
