/**
 * The reviewed allowlist: destinations that a resource in a stack holding personal data may
 * name although the pack cannot place them, because nothing personal ever goes there. Each
 * entry is a resource type, a property path (a regular expression over paths such as
 * `ContainerDefinitions.0.Image`), and the reason a reviewer accepted. Keep it short: every
 * entry is a hole in the default deny.
 */
export interface NoPersonalDataDestination {
  readonly type: string;
  readonly path: RegExp;
  readonly reason: string;
}

export const NO_PERSONAL_DATA_DESTINATIONS: readonly NoPersonalDataDestination[] = [
  {
    type: 'AWS::CloudFront::Distribution',
    path: /^DistributionConfig\.ViewerCertificate\.AcmCertificateArn$/,
    reason:
      'CloudFront reads its certificate only from us-east-1 (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html); a certificate holds the public host name, nobody’s data.',
  },
  {
    type: 'AWS::ECS::TaskDefinition',
    path: /^ContainerDefinitions\.\d+\.Image$/,
    reason: 'A container image is pulled from its registry into the task; nothing is sent to the registry.',
  },
  {
    type: 'AWS::ECR::ReplicationConfiguration',
    path: /^ReplicationConfiguration\.Rules\.\d+\.Destinations\./,
    reason: 'Container images are the code the services run; they hold no user data.',
  },
  {
    type: 'AWS::CloudWatch::Dashboard',
    path: /^DashboardBody\./,
    reason: 'A dashboard widget reads metrics from the region it names to draw a graph; nothing is sent there.',
  },
  {
    type: 'AWS::Route53::HealthCheck',
    path: /^HealthCheckConfig\./,
    reason: 'Route 53 health checkers request a health path from their own regions; the request carries no user data.',
  },
];

/** The allowlist entry that covers a property, if any. */
export function allowlisted(type: string, path: string): NoPersonalDataDestination | undefined {
  return NO_PERSONAL_DATA_DESTINATIONS.find((d) => d.type === type && d.path.test(path));
}
