import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { SiteRouting } from '../config/migration-plan';
import type { ServiceConfig } from '../config/schema';
import { MarketRouting, type RoutedEndpoint } from '../constructs/market-routing';
import { RelationalStore } from '../constructs/relational-store';
import { ServiceAlarms } from '../constructs/service-alarms';
import { WebService } from '../constructs/web-service';
import { constructId } from '../naming';
import { type DataStack, UPLOAD_KEY_PREFIX } from './data-stack';

/** One service as this region runs it, with its routing. */
export interface RegionalService {
  readonly config: ServiceConfig;
  /** What this site writes for the service's routing, from `MigrationPlan.siteRouting`. */
  readonly routing: SiteRouting;
}

/** Props for {@link ServiceStack}. */
export interface ServiceStackProps extends StackProps {
  /** The same phase and region's data stack: network, keys, stores, log buckets. */
  readonly data: DataStack;
  readonly services: readonly RegionalService[];
  /** The public domain (`example.com`); each service answers at `<name>.<domain>`. */
  readonly domainName: string;
  /** The existing public hosted zone of `domainName`, imported by ID. */
  readonly hostedZoneId: string;
  /** The legacy data center's public endpoint: the other side of every cutover. */
  readonly legacy: Omit<RoutedEndpoint, 'healthCheckPath'>;
  readonly minTasks: number;
  readonly maxTasks: number;
  /**
   * Subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}

/**
 * The compute a phase runs in one region: one Fargate service per plan service behind its
 * own load balancer, least-privilege grants on the data stack's stores, the market routing
 * records this region owns, and the region's alarms and dashboard. Stateless: redeploying,
 * replacing, or deleting and creating it again loses no data (stores live in the data stack;
 * logs it leaves behind keep their retention under names a new stack never reuses).
 */
export class ServiceStack extends Stack {
  public readonly webServices: ReadonlyMap<string, WebService>;
  /** The Route 53 health checks behind this stack's records, alarmed on in us-east-1 (see HealthStack). */
  public readonly healthChecks: { readonly target: string; readonly check: route53.HealthCheck }[] = [];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { data } = props;
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.domainName,
    });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: data.network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });
    const alarms = new ServiceAlarms(this, 'Alarms', { topicKey: data.logsKey, email: props.alarmEmail });

    const webServices = new Map<string, WebService>();
    for (const { config, routing } of props.services) {
      const name = constructId(config.name);
      const domainName = `${config.name}.${props.domainName}`;
      const database = data.databases.get(config.name);
      const objects = data.objectStores.get(config.name);

      const web = new WebService(this, name, {
        vpc: data.network.vpc,
        cluster,
        image: config.image,
        containerPort: config.containerPort,
        healthCheckPath: config.healthCheckPath,
        cpu: config.cpu,
        memoryMiB: config.memoryMiB,
        minTasks: props.minTasks,
        maxTasks: props.maxTasks,
        domainName,
        hostedZone: zone,
        accessLogsBucket: data.accessLogsBucket,
        logsKey: data.logsKey,
        taskRole: data.serviceRoles.get(config.name),
        environment: {
          SERVICE_NAME: config.name,
          ...(database && {
            DB_HOST: database.clusterEndpoint.hostname,
            DB_READER_HOST: database.clusterReadEndpoint.hostname,
            DB_PORT: String(RelationalStore.PORT),
            DB_NAME: config.name,
            DB_USER: 'app',
            DB_AUTH: 'iam',
          }),
          // Users upload straight to the bucket with URLs the service presigns under this prefix
          // (on the accelerate endpoint when the bucket takes it); no upload crosses the web ACL.
          ...(objects && {
            OBJECT_BUCKET: objects.bucket.bucketName,
            UPLOAD_KEY_PREFIX,
            OBJECT_BUCKET_ACCELERATED: String(objects.transferAcceleration),
          }),
        },
      });
      if (database) {
        // The rule lives here, not in the data stack: a rule there would make the data stack
        // depend on this one, a cycle, and tie the stateful stack to compute churn.
        const databaseGroup = ec2.SecurityGroup.fromSecurityGroupId(
          this,
          `${name}DatabaseGroup`,
          database.connections.securityGroups[0].securityGroupId,
        );
        databaseGroup.addIngressRule(
          web.service.connections.securityGroups[0],
          ec2.Port.tcp(RelationalStore.PORT),
          `${config.name} tasks to their database`,
        );
      }

      const routed = new MarketRouting(this, `${name}Routing`, {
        zone,
        serviceDomain: domainName,
        routing,
        endpoint: { hostname: web.loadBalancer.loadBalancerDnsName, healthCheckPath: config.healthCheckPath },
        legacy: { ...props.legacy, healthCheckPath: config.healthCheckPath },
      });
      this.healthChecks.push(...routed.healthChecks);
      alarms.monitor(name, web, database);
      webServices.set(config.name, web);
    }
    this.webServices = webServices;
  }
}
