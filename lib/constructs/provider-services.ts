import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ServiceConfig } from '../config/schema';
import { constructId } from '../naming';

/** Props for {@link ProviderServices}. */
export interface ProviderServicesProps {
  /** The site's network in the home region (the cluster needs one; tasks run on the provider's hosts). */
  readonly vpc: ec2.IVpc;
  /** The phase's services, in plan order. */
  readonly services: readonly ServiceConfig[];
  /** Tasks of each service the provider's hosts run. */
  readonly desiredCount: number;
}

/** The host port each service listens on at the site: 8081 for the first service of the plan, and so on. */
export function providerHostPort(index: number): number {
  return 8081 + index;
}

/**
 * The phase's services running on a local provider's own machines, managed from the home region
 * with ECS Anywhere: one cluster, the role the provider's hosts register with (through a Systems
 * Manager activation), and one external service per phase service. Container logs stay on the host
 * (Docker's `json-file` driver, rotated), so nothing a request carries leaves the site through them.
 *
 * To add a host: `aws ssm create-activation --iam-role <HostRoleName> --registration-limit 1`, then
 * on the host run AWS's `ecs-anywhere-install.sh` with `--cluster <cluster> --activation-id ... --activation-code ...
 * --region <home region>` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere-registration.html).
 */
export class ProviderServices extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly hostRole: iam.Role;
  public readonly services: ReadonlyMap<string, ecs.ExternalService>;

  constructor(scope: Construct, id: string, props: ProviderServicesProps) {
    super(scope, id);
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    // The role ECS Anywhere documents for hosts: the SSM agent's core policy and the container
    // agent's (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/iam-role-ecsanywhere.html).
    // Only Systems Manager acting for this account may hand the role to a host (confused deputy:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/cloud-connector-gcp-automation-assume-role.html
    // scopes ssm.amazonaws.com the same way).
    this.hostRole = new iam.Role(this, 'HostRole', {
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Hosts of the provider's site registering with ${this.node.path}`,
      managedPolicies: ['AmazonSSMManagedInstanceCore', 'service-role/AmazonEC2ContainerServiceforEC2Role'].map((p) =>
        iam.ManagedPolicy.fromAwsManagedPolicyName(p),
      ),
    });
    for (const policy of ['AmazonSSMManagedInstanceCore', 'service-role/AmazonEC2ContainerServiceforEC2Role']) {
      Validations.of(this.hostRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: `ECS Anywhere requires the provider's hosts to register with exactly this AWS-maintained policy (${policy}), which AWS updates as its agents change.`,
      });
    }

    const services = new Map<string, ecs.ExternalService>();
    props.services.forEach((config, index) => {
      const name = constructId(config.name);
      const task = new ecs.ExternalTaskDefinition(this, `${name}Task`, { networkMode: ecs.NetworkMode.BRIDGE });
      task.addContainer('App', {
        image: ecs.ContainerImage.fromRegistry(config.image),
        cpu: config.cpu,
        memoryLimitMiB: config.memoryMiB,
        portMappings: [{ containerPort: config.containerPort, hostPort: providerHostPort(index) }],
        // Logs stay on the provider's host, in the country: never shipped to the home region.
        // `json-file` (rotated): CloudFormation does not accept Docker's `local` driver
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-taskdefinition-logconfiguration.html).
        logging: new ecs.GenericLogDriver({
          logDriver: 'json-file',
          options: { 'max-size': '100m', 'max-file': '10' },
        }),
      });
      services.set(
        config.name,
        new ecs.ExternalService(this, `${name}Service`, {
          cluster: this.cluster,
          taskDefinition: task,
          desiredCount: props.desiredCount,
          // One fixed host port per service: a host cannot run a second copy during a deploy.
          minHealthyPercent: 50,
          maxHealthyPercent: 100,
        }),
      );
      // ECS Anywhere has no deployment circuit breaker (aws-ecs README, "ExternalService").
      Annotations.of(services.get(config.name) as ecs.ExternalService).acknowledgeWarning(
        '@aws-cdk/aws-ecs:shouldUseCircuitBreaker',
        'External (ECS Anywhere) services do not support the deployment circuit breaker; the site health check and running-task alarms catch a failed deployment.',
      );
    });
    this.services = services;
  }
}
