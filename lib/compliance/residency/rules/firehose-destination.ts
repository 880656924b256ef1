import { dig, flowRule } from './residency-rule';

/** Where each Firehose destination keeps data; a destination outside AWS has no provable region. */
const DESTINATIONS: readonly (readonly string[])[] = [
  ['S3DestinationConfiguration', 'BucketARN'],
  ['ExtendedS3DestinationConfiguration', 'BucketARN'],
  ['AmazonopensearchserviceDestinationConfiguration', 'DomainARN'],
  ['AmazonOpenSearchServerlessDestinationConfiguration', 'CollectionEndpoint'],
  ['ElasticsearchDestinationConfiguration', 'DomainARN'],
  ['RedshiftDestinationConfiguration', 'ClusterJDBCURL'],
  ['IcebergDestinationConfiguration', 'CatalogConfiguration', 'CatalogArn'],
  ['HttpEndpointDestinationConfiguration', 'EndpointConfiguration', 'Url'],
  ['SplunkDestinationConfiguration', 'HECEndpoint'],
  ['SnowflakeDestinationConfiguration', 'AccountUrl'],
];

/** Firehose delivers only into regions the streamed markets allow. */
export const FirehoseDestination = flowRule({
  id: 'FirehoseDestination',
  info: 'The delivery stream delivers to a destination outside the regions its markets allow.',
  explanation:
    'Firehose copies every record to its destination (and to its backup bucket). Deliver to a bucket or domain of this app in a region each market allows; HTTP, Splunk and Snowflake endpoints are outside AWS and cannot be placed.',
  how: 'delivered-to',
  covers: {
    'AWS::KinesisFirehose::DeliveryStream': [
      ...DESTINATIONS.map(([section]) => section),
      'KinesisStreamSourceConfiguration',
    ],
  },
  flows: (props) =>
    DESTINATIONS.filter(([section]) => props[section] !== undefined).flatMap((path) => {
      const section = props[path[0]];
      const backup = dig(section, 'S3Configuration', 'BucketARN') ?? dig(section, 'S3BackupConfiguration', 'BucketARN');
      return [
        { value: dig(props, ...path), via: path.join('.') },
        ...(backup === undefined ? [] : [{ value: backup, via: `${path[0]}.S3Configuration.BucketARN` }]),
      ];
    }),
});
