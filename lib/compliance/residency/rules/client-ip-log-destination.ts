import { dig, each, type Flow, flowRule } from './residency-rule';

/** Load balancer attributes that name the bucket a log goes to. */
const LOAD_BALANCER_LOG_BUCKETS = ['access_logs.s3.bucket', 'connection_logs.s3.bucket', 'health_check_logs.s3.bucket'];

/** A bucket named by a literal is placed through the app's buckets; a reference is placed as is. */
function bucketValue(value: unknown): unknown {
  return typeof value === 'string' ? `arn:aws:s3:::${value}` : value;
}

/** Logs that hold client IP addresses land only where the markets they log allow. */
export const ClientIpLogDestination = flowRule({
  id: 'ClientIpLogDestination',
  info: "A load balancer, WAF, flow log, resolver query log or API stage writes its clients' IP addresses to a place one of their markets does not allow.",
  explanation:
    'An IP address is personal data. Keep load balancer, WAF, VPC flow, Route 53 resolver query and API access logs in a bucket or log group of this app in a region each market of the stack allows.',
  how: 'client-ips-logged-in',
  covers: {
    'AWS::ElasticLoadBalancingV2::LoadBalancer': ['LoadBalancerAttributes'],
    'AWS::WAFv2::LoggingConfiguration': ['LogDestinationConfigs'],
    'AWS::EC2::FlowLog': ['LogDestination', 'LogGroupName'],
    'AWS::Route53Resolver::ResolverQueryLoggingConfig': ['DestinationArn'],
    'AWS::ApiGateway::Stage': ['AccessLogSetting'],
    'AWS::ApiGatewayV2::Stage': ['AccessLogSettings'],
    'AWS::NetworkFirewall::LoggingConfiguration': ['LoggingConfiguration'],
  },
  flows: (props, node): Flow[] => {
    switch (node.cfnResourceType) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        return each(props.LoadBalancerAttributes, 'LoadBalancerAttributes')
          .filter(({ item }) => LOAD_BALANCER_LOG_BUCKETS.includes(String(dig(item, 'Key'))))
          .map(({ item, path }) => ({
            value: bucketValue(dig(item, 'Value')),
            via: `${path}.${String(dig(item, 'Key'))}`,
          }));
      case 'AWS::WAFv2::LoggingConfiguration':
        return each(props.LogDestinationConfigs, 'LogDestinationConfigs').map(({ item, path }) => ({
          value: item,
          via: path,
        }));
      case 'AWS::EC2::FlowLog':
        // A log group named (not addressed) is in the flow log's own region.
        return props.LogDestination === undefined
          ? [{ value: { Ref: 'AWS::Region' }, via: 'LogGroupName' }]
          : [{ value: props.LogDestination, via: 'LogDestination' }];
      case 'AWS::Route53Resolver::ResolverQueryLoggingConfig':
        return [{ value: props.DestinationArn, via: 'DestinationArn' }];
      case 'AWS::ApiGateway::Stage':
        return props.AccessLogSetting === undefined
          ? []
          : [{ value: dig(props, 'AccessLogSetting', 'DestinationArn'), via: 'AccessLogSetting.DestinationArn' }];
      case 'AWS::ApiGatewayV2::Stage':
        return props.AccessLogSettings === undefined
          ? []
          : [{ value: dig(props, 'AccessLogSettings', 'DestinationArn'), via: 'AccessLogSettings.DestinationArn' }];
      default:
        return each(
          dig(props, 'LoggingConfiguration', 'LogDestinationConfigs'),
          'LoggingConfiguration.LogDestinationConfigs',
        ).flatMap(({ item, path }) =>
          Object.entries((dig(item, 'LogDestination') ?? {}) as Record<string, unknown>).map(([key, value]) => ({
            value: key === 'bucketName' ? bucketValue(value) : key === 'logGroup' ? { Ref: 'AWS::Region' } : value,
            via: `${path}.LogDestination.${key}`,
          })),
        );
    }
  },
});
