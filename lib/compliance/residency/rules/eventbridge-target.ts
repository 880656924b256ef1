import { dig, each, type Flow, flowRule } from './residency-rule';

/** Events, pipes and schedules deliver only into regions their markets allow. */
export const EventBridgeTarget = flowRule({
  id: 'EventBridgeTarget',
  info: 'An EventBridge rule, pipe, schedule, API destination or global endpoint delivers events to a place one of their markets does not allow.',
  explanation:
    "Events carry what the application puts in them: order and account details. A target in another region (another region's event bus, queue or function), an API destination outside AWS, or a global endpoint's secondary region copies them there. Target resources of this app in a region each market allows.",
  how: 'events-sent-to',
  covers: {
    'AWS::Events::Rule': ['Targets'],
    'AWS::Events::Pipe': ['Target'],
    'AWS::Events::ApiDestination': ['InvocationEndpoint'],
    'AWS::Events::Endpoint': ['RoutingConfig', 'EventBuses', 'ReplicationConfig'],
    'AWS::Scheduler::Schedule': ['Target'],
  },
  flows: (props, node) => {
    switch (node.cfnResourceType) {
      case 'AWS::Events::Rule':
        return each(props.Targets, 'Targets').flatMap(({ item, path }): Flow[] => [
          { value: dig(item, 'Arn'), via: `${path}.Arn` },
          ...(dig(item, 'DeadLetterConfig', 'Arn') === undefined
            ? []
            : [{ value: dig(item, 'DeadLetterConfig', 'Arn'), via: `${path}.DeadLetterConfig.Arn` }]),
        ]);
      case 'AWS::Events::Pipe':
        return [{ value: props.Target, via: 'Target' }];
      case 'AWS::Events::ApiDestination':
        return [
          {
            value: props.InvocationEndpoint,
            via: 'InvocationEndpoint',
            whereabouts: [{ kind: 'unprovable', why: 'endpoint-outside-aws' }],
          },
        ];
      case 'AWS::Events::Endpoint':
        return [
          ...each(props.EventBuses, 'EventBuses').map(({ item, path }) => ({
            value: dig(item, 'EventBusArn'),
            via: `${path}.EventBusArn`,
          })),
          {
            value: dig(props, 'RoutingConfig', 'FailoverConfig', 'Secondary', 'Route'),
            via: 'RoutingConfig.FailoverConfig.Secondary.Route',
          },
        ];
      default:
        return [
          { value: dig(props, 'Target', 'Arn'), via: 'Target.Arn' },
          ...(dig(props, 'Target', 'DeadLetterConfig', 'Arn') === undefined
            ? []
            : [{ value: dig(props, 'Target', 'DeadLetterConfig', 'Arn'), via: 'Target.DeadLetterConfig.Arn' }]),
        ];
    }
  },
});
