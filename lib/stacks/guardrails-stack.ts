import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Construct } from 'constructs';

/**
 * Actions of global services, exempt from the region deny: their single endpoint sits in
 * us-east-1, so a region condition would block them everywhere. From the AWS Organizations
 * example SCP "Deny access to AWS based on the requested AWS Region":
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  'account:*',
  'aws-portal:*',
  'billing:*',
  'budgets:*',
  'ce:*',
  'cloudfront:*',
  'cur:*',
  'globalaccelerator:*',
  'health:*',
  'iam:*',
  'organizations:*',
  'pricing:*',
  'route53:*',
  'route53domains:*',
  'shield:*',
  'sts:*',
  'support:*',
  'trustedadvisor:*',
  'waf:*',
];

/** Services that store data: denied in the edge region when it is no market's location. */
export const DATA_SERVICE_ACTIONS: readonly string[] = [
  'backup:*',
  'cognito-idp:*',
  'dynamodb:*',
  'elasticache:*',
  'elasticfilesystem:*',
  'es:*',
  'firehose:*',
  'kinesis:*',
  'rds:*',
  'secretsmanager:*',
  'sqs:*',
];

/** Props for {@link GuardrailsStack}. */
export interface GuardrailsStackProps extends StackProps {
  /** Regions the plan deploys to (AWS locations and provider sites' home regions). */
  readonly allowedRegions: readonly string[];
  /** The edge region CloudFront needs: allowed, but not for data services. */
  readonly edgeRegion: string;
  /**
   * Regions the goal canaries measure from (each market's nearest): allowed, and those that are no
   * plan location are, like the edge region, denied data services.
   * @default - none
   */
  readonly probeRegions?: readonly string[];
  /** Organizational units or accounts the policy is attached to. */
  readonly targetIds: readonly string[];
}

/**
 * For the organization's management account: a service control policy that denies every
 * request outside the plan's regions (global services exempt) and every data-service request
 * in the edge region and in regions only goal canaries use. The residency pack proves the
 * templates; this stops what is done by hand.
 */
export class GuardrailsStack extends Stack {
  public readonly policy: organizations.CfnPolicy;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    const probeOnly = [...new Set(props.probeRegions ?? [])]
      .filter((r) => !props.allowedRegions.includes(r) && r !== props.edgeRegion)
      .sort();
    const regions = [...new Set([...props.allowedRegions, props.edgeRegion, ...probeOnly])].sort();
    const document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyOutsidePlanRegions',
          effect: iam.Effect.DENY,
          notActions: [...GLOBAL_SERVICE_ACTIONS],
          resources: ['*'],
          conditions: { StringNotEquals: { 'aws:RequestedRegion': regions } },
        }),
        ...(props.allowedRegions.includes(props.edgeRegion)
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'DenyDataServicesAtTheEdge',
                effect: iam.Effect.DENY,
                actions: [...DATA_SERVICE_ACTIONS],
                resources: ['*'],
                conditions: { StringEquals: { 'aws:RequestedRegion': props.edgeRegion } },
              }),
            ]),
        // Canaries need Synthetics, Lambda, S3, KMS and CloudWatch there, none of which is a data service here.
        ...(probeOnly.length
          ? [
              new iam.PolicyStatement({
                sid: 'DenyDataServicesInProbeRegions',
                effect: iam.Effect.DENY,
                actions: [...DATA_SERVICE_ACTIONS],
                resources: ['*'],
                conditions: { StringEquals: { 'aws:RequestedRegion': probeOnly } },
              }),
            ]
          : []),
      ],
    });
    this.policy = new organizations.CfnPolicy(this, 'RegionDeny', {
      name: 'migration-region-deny',
      description: 'Data residency: deny requests outside the regions phases/ names (global services exempt).',
      type: 'SERVICE_CONTROL_POLICY',
      content: document.toJSON(),
      targetIds: [...props.targetIds],
    });
  }
}
