import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IHostedZone } from 'aws-cdk-lib/aws-route53';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../compliance/acknowledge';
import { WebAcl } from './web-acl';

/** Props for {@link WebService}. */
export interface WebServiceProps {
  readonly vpc: ec2.IVpc;
  /** The ECS cluster the service runs in (one per stack, Container Insights on). */
  readonly cluster: ecs.ICluster;
  /** The container image, pinned by tag or digest. */
  readonly image: string;
  /** The port the container listens on. */
  readonly containerPort: number;
  /** Path the load balancer checks; must answer 200. */
  readonly healthCheckPath: string;
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Fargate memory in MiB. */
  readonly memoryMiB: number;
  /**
   * Fewest running tasks; at least 2 so one AZ can fail.
   * @default 2
   */
  readonly minTasks?: number;
  /**
   * Most running tasks.
   * @default 10
   */
  readonly maxTasks?: number;
  /** The service's public name; the certificate covers it and every name under it. */
  readonly domainName: string;
  /** The public hosted zone that validates the certificate. */
  readonly hostedZone: IHostedZone;
  /** SSE-S3 bucket in this region that receives the load balancer's access logs. */
  readonly accessLogsBucket: IBucket;
  /** Encrypts the container and WAF log groups. */
  readonly logsKey: IKey;
  /**
   * Days container logs are kept.
   * @default 365
   */
  readonly logRetentionDays?: logs.RetentionDays;
  /**
   * The role tasks assume; grants on data stores are made on it where the stores live.
   * @default - a new role with no permissions
   */
  readonly taskRole?: iam.IRole;
  /**
   * Plain environment variables for the container (never secrets).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Requests one client IP may make in any 5 minutes before the web ACL blocks it.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Requests one CloudFront edge address may make in any 5 minutes: what reaches the service
   * through the CDN is limited per viewer there, and only per edge address here (see {@link WebAcl}).
   * @default 20000
   */
  readonly cloudFrontRateLimitPer5Minutes?: number;
  /**
   * CPU percentage autoscaling holds.
   * @default 60
   */
  readonly targetCpuPercent?: number;
  /**
   * Requests per task per minute autoscaling holds.
   * @default 1000
   */
  readonly targetRequestsPerTask?: number;
}

/**
 * A container service on Fargate behind an internet-facing ALB: HTTPS only with a TLS 1.2+
 * policy (HTTP redirects), an ACM certificate validated through the hosted zone, access logs,
 * a regional WAF web ACL, a deployment circuit breaker with rollback, autoscaling on CPU and on
 * requests per target, encrypted container logs, and a task role with no permissions until
 * the stack grants them.
 *
 * Holds nothing that is not rebuilt from code, so its stack can be deleted and created again:
 * no deletion protection on the load balancer, and the log groups it keeps after a delete (for
 * their retention) have names no later deploy reuses.
 */
export class WebService extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const minTasks = props.minTasks ?? 2;
    const maxTasks = props.maxTasks ?? 10;
    if (minTasks < 2 || maxTasks < minTasks) {
      throw new Error(
        `${this.node.path}: minTasks ${minTasks}, maxTasks ${maxTasks}; expected 2 <= minTasks <= maxTasks`,
      );
    }

    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      subjectAlternativeNames: [`*.${props.domainName}`],
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      taskRole: props.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    // No physical name: CloudFormation names it, so the group a deleted stack leaves behind
    // never collides with the one its next creation makes.
    const logGroup = new logs.LogGroup(this, 'ContainerLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetentionDays ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (service name, database host, port, name, bucket name and upload prefix); database access uses IAM authentication and presigned uploads are signed with the task role, so no credential is ever in it.',
    });
    this.taskDefinition.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      portMappings: [{ containerPort: props.containerPort }],
      environment: props.environment,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
    });

    if (this.taskDefinition.executionRole) acknowledgeGrantPolicy(this.taskDefinition.executionRole);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      // Stateless and rebuilt from code; protection would make the service stack undeletable.
      deletionProtection: false,
    });
    this.loadBalancer.logAccessLogs(props.accessLogsBucket, id);

    const https = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      // TLS 1.2 and 1.3 only, with post-quantum key exchange where clients offer it.
      sslPolicy: elbv2.SslPolicy.TLS13_12_PQ,
    });
    const redirect = this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    Validations.of(redirect).acknowledge({
      id: 'PCI.DSS.321-ELBv2ACMCertificateRequired',
      reason:
        'Port 80 only answers a permanent redirect to HTTPS and serves no content, so it has no certificate to present.',
    });
    for (const group of this.loadBalancer.connections.securityGroups) {
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'This is the public storefront load balancer: it must accept 443 (and 80, redirected) from every viewer; the WAF web ACL filters what reaches the tasks.',
      });
    }

    this.targetGroup = https.addTargets('App', {
      port: props.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuPercent ?? 60 });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: props.targetRequestsPerTask ?? 1000,
      targetGroup: this.targetGroup,
    });

    const acl = new WebAcl(this, 'WebAcl', {
      scope: 'REGIONAL',
      rateLimitPer5Minutes: props.rateLimitPer5Minutes,
      cloudFrontRateLimitPer5Minutes: props.cloudFrontRateLimitPer5Minutes ?? 20_000,
      logsKey: props.logsKey,
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.loadBalancer.loadBalancerArn,
      webAclArn: acl.webAcl.attrArn,
    });
  }
}
