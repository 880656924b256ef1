import { dig, each, flowRule } from './residency-rule';

/** A table has replicas (global tables, either form) and change streams only in regions its markets allow. */
export const DynamoDbReplicaRegion = flowRule({
  id: 'DynamoDbReplicaRegion',
  info: 'The table has a replica, or streams its changes, in a region one of its markets does not allow.',
  explanation:
    'Every replica of a DynamoDB global table (AWS::DynamoDB::GlobalTable, or Table.replicationRegions, which CDK builds as Custom::DynamoDBReplica) is a full, writable copy, and a Kinesis streaming destination receives every item change. Keep replicas and streams in regions every market of the table allows.',
  how: 'replicated-to',
  covers: {
    'AWS::DynamoDB::GlobalTable': ['Replicas'],
    'Custom::DynamoDBReplica': ['Region'],
    'AWS::DynamoDB::Table': ['KinesisStreamSpecification'],
  },
  flows: (props, node) => {
    switch (node.cfnResourceType) {
      case 'AWS::DynamoDB::GlobalTable':
        return each(props.Replicas, 'Replicas').flatMap(({ item, path }) => [
          { value: dig(item, 'Region'), via: `${path}.Region` },
          ...(dig(item, 'KinesisStreamSpecification') === undefined
            ? []
            : [
                {
                  value: dig(item, 'KinesisStreamSpecification', 'StreamArn'),
                  via: `${path}.KinesisStreamSpecification.StreamArn`,
                },
              ]),
        ]);
      case 'Custom::DynamoDBReplica':
        return [{ value: props.Region, via: 'Region' }];
      default:
        return props.KinesisStreamSpecification === undefined
          ? []
          : [
              {
                value: dig(props, 'KinesisStreamSpecification', 'StreamArn'),
                via: 'KinesisStreamSpecification.StreamArn',
              },
            ];
    }
  },
});
