import { dig, flowRule } from './residency-rule';

/** Log subscriptions and deliveries ship logs only into regions their markets allow. */
export const LogSubscriptionDestination = flowRule({
  id: 'LogSubscriptionDestination',
  info: 'Logs are shipped (subscription filter, log destination, account-wide subscription policy or log delivery) to a place one of their markets does not allow.',
  explanation:
    'Logs hold IPs and request details. A subscription or delivery to another region copies them there. Ship logs only to a stream, function or bucket of this app in a region each market allows.',
  how: 'logs-shipped-to',
  covers: {
    'AWS::Logs::SubscriptionFilter': ['DestinationArn'],
    'AWS::Logs::Destination': ['TargetArn'],
    'AWS::Logs::DeliveryDestination': ['DestinationResourceArn'],
    'AWS::Logs::AccountPolicy': ['PolicyDocument'],
  },
  flows: (props, node) => {
    switch (node.cfnResourceType) {
      case 'AWS::Logs::SubscriptionFilter':
        return [{ value: props.DestinationArn, via: 'DestinationArn' }];
      case 'AWS::Logs::Destination':
        return [{ value: props.TargetArn, via: 'TargetArn' }];
      case 'AWS::Logs::DeliveryDestination':
        return props.DestinationResourceArn === undefined
          ? []
          : [{ value: props.DestinationResourceArn, via: 'DestinationResourceArn' }];
      default: {
        if (props.PolicyType !== 'SUBSCRIPTION_FILTER_POLICY') return [];
        const document = props.PolicyDocument;
        if (typeof document !== 'string') {
          return [
            {
              value: document,
              via: 'PolicyDocument',
              whereabouts: [{ kind: 'unprovable', why: 'policy-built-from-tokens' }],
            },
          ];
        }
        let policy: unknown;
        try {
          policy = JSON.parse(document);
        } catch {
          return [
            { value: document, via: 'PolicyDocument', whereabouts: [{ kind: 'unprovable', why: 'unreadable-policy' }] },
          ];
        }
        return [{ value: dig(policy, 'DestinationArn'), via: 'PolicyDocument.DestinationArn' }];
      }
    }
  },
});
