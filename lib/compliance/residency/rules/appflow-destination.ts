import { dig, each, type Flow, flowRule } from './residency-rule';

/** Connectors whose destination is a store in AWS named by its bucket or cluster. */
const AWS_CONNECTORS: Readonly<Record<string, readonly string[]>> = {
  S3: ['S3', 'BucketName'],
  Redshift: ['Redshift', 'IntermediateBucketName'],
  LookoutMetrics: [],
  EventBridge: [],
};

/** AppFlow delivers records only to stores of this app in regions their markets allow. */
export const AppFlowDestination = flowRule({
  id: 'AppFlowDestination',
  info: 'An AppFlow flow delivers records to a SaaS application or a store outside the regions its markets allow.',
  explanation:
    'AppFlow copies every record of a run to each destination. SaaS connectors (Salesforce, Zendesk, Marketo, SAP...) deliver outside AWS, where no region can be proven. Deliver only to a bucket of this app in a region each market allows.',
  how: 'records-sent-to',
  covers: { 'AWS::AppFlow::Flow': ['DestinationFlowConfigList'] },
  flows: (props) =>
    each(props.DestinationFlowConfigList, 'DestinationFlowConfigList').map(({ item, path }): Flow => {
      const connector = String(dig(item, 'ConnectorType'));
      const key = AWS_CONNECTORS[connector];
      if (!key || key.length === 0) {
        return {
          value: connector,
          via: `${path}.ConnectorType`,
          whereabouts: [{ kind: 'unprovable', why: `connector-${connector}-outside-aws` }],
        };
      }
      const bucket = dig(item, 'DestinationConnectorProperties', ...key);
      return {
        value: typeof bucket === 'string' ? `arn:aws:s3:::${bucket}` : bucket,
        via: `${path}.DestinationConnectorProperties.${key.join('.')}`,
      };
    }),
});
