import { dig, each, type Flow, flowRule } from './residency-rule';

/** Protocols whose endpoint is an AWS resource named by ARN. */
const ARN_PROTOCOLS = new Set(['sqs', 'lambda', 'firehose']);

function subscriptionFlow(protocol: unknown, endpoint: unknown, via: string): Flow {
  if (typeof protocol === 'string' && ARN_PROTOCOLS.has(protocol)) return { value: endpoint, via };
  // E-mail, SMS, HTTP(S) and mobile push deliver outside AWS, where no region can be proven.
  return {
    value: endpoint,
    via,
    whereabouts: [{ kind: 'unprovable', why: `delivered-by-${String(protocol)}-outside-aws` }],
  };
}

/** Topics deliver messages only into regions their markets allow. */
export const SnsSubscriptionDestination = flowRule({
  id: 'SnsSubscriptionDestination',
  info: 'A topic delivers messages to a subscriber in a region one of its markets does not allow, or outside AWS.',
  explanation:
    "Every message published to a topic is copied to each subscriber. Subscribe only queues, functions and delivery streams of this app in a region each market allows. A topic that carries no personal data (alarm notifications) is declared with declareResidency(topic, { markets: 'none', reason }) so it may notify people.",
  how: 'messages-sent-to',
  covers: { 'AWS::SNS::Subscription': ['Endpoint'], 'AWS::SNS::Topic': ['Subscription'] },
  flows: (props, node) =>
    node.cfnResourceType === 'AWS::SNS::Subscription'
      ? [subscriptionFlow(props.Protocol, props.Endpoint, 'Endpoint')]
      : each(props.Subscription, 'Subscription').map(({ item, path }) =>
          subscriptionFlow(dig(item, 'Protocol'), dig(item, 'Endpoint'), `${path}.Endpoint`),
        ),
});
