import { CfnOutput, Fn, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../compliance/acknowledge';
import type { ServiceConfig } from '../config/schema';
import { type LegacyDatabase, legacySource, MarketReplication } from '../constructs/market-replication';
import { MigrationAlarms } from '../constructs/migration-alarms';
import { RegionalKey } from '../constructs/regional-key';
import { RegionalNetwork, type VpnConnectionTo } from '../constructs/regional-network';
import { RelationalStore } from '../constructs/relational-store';
import { SecureBucket } from '../constructs/secure-bucket';
import { constructId, replicationSourceExportName, serviceResourceIdentifier } from '../naming';
import { RegionalStack } from './regional-stack';

/** Props for {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** The VPC CIDR block for this phase in this region. */
  readonly vpcCidr: string;
  /** The services whose stores live here. */
  readonly services: readonly ServiceConfig[];
  /**
   * VPNs to the legacy data center (and providers), for replication during cutover.
   * @default - no VPN
   */
  readonly vpnPeers?: readonly VpnConnectionTo[];
  /**
   * Continuous replication from the legacy database into service databases: each service's
   * `database.legacyTables`, limited to rows of the given markets per service (`*`: rows of no
   * declared market). A service with no markets listed gets no replication.
   * @default - no replication
   */
  readonly replication?: {
    readonly legacy: LegacyDatabase;
    readonly marketsByService: Readonly<Record<string, readonly string[]>>;
    readonly declaredMarkets: readonly string[];
  };
  /**
   * A physical name for the bucket that keeps the phase's CloudFront logs, when this region keeps them.
   * @default - this region keeps no CDN logs
   */
  readonly cdnLogBucketName?: string;
  /** Subscribed to the migration alarms' topic. @default - no subscription */
  readonly alarmEmail?: string;
  /**
   * When later phases replicate out of this stack's databases: this site's phase and location,
   * and the services they read. Their stacks import, by name, the VPC, its private subnets and
   * route tables, and each such database's address and security group.
   * @default - nothing exported
   */
  readonly replicationSource?: {
    readonly phase: number;
    readonly location: string;
    readonly services: readonly string[];
  };
}

/**
 * Everything stateful a phase keeps in one region: the keys, the network, one database (and
 * object store, where the plan asks) per service, and the log buckets. Termination protection
 * on; every store is retained or snapshotted on removal.
 */
export class DataStack extends RegionalStack {
  /** Encrypts databases, secrets and user-content buckets. */
  public readonly dataKey: kms.Key;
  /** Encrypts log groups and the alarm topic; CloudWatch Logs and CloudWatch may use it. */
  public readonly logsKey: kms.Key;
  public readonly network: RegionalNetwork;
  /** SSE-S3 bucket for load balancer and S3 server access logs (those services cannot write SSE-KMS). */
  public readonly accessLogsBucket: s3.Bucket;
  public readonly databases: ReadonlyMap<string, rds.DatabaseCluster>;
  public readonly objectStores: ReadonlyMap<string, s3.Bucket>;
  public readonly cdnLogsBucket?: s3.Bucket;
  /**
   * The role each service's tasks assume. Kept beside the stores so every grant on them is
   * made here, in one stack, where a reviewer reads who may touch which data.
   */
  public readonly serviceRoles: ReadonlyMap<string, iam.Role>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.dataKey = new RegionalKey(this, 'DataKey', { description: `Data at rest of ${this.stackName}` }).key;
    this.logsKey = new RegionalKey(this, 'LogsKey', {
      description: `Logs and alarm notifications of ${this.stackName}`,
      usedBy: ['logs', 'alarms'],
    }).key;

    this.accessLogsBucket = new SecureBucket(this, 'AccessLogs', { expirationDays: 365 }).bucket;

    this.network = new RegionalNetwork(this, 'Network', {
      cidr: props.vpcCidr,
      logsKey: this.logsKey,
      vpnPeers: props.vpnPeers,
    });

    const migrationAlarms = new MigrationAlarms(this, 'MigrationAlarms', {
      encryptionKey: this.logsKey,
      email: props.alarmEmail,
    });
    (props.vpnPeers ?? []).forEach((peer, i) => {
      migrationAlarms.watchVpn(peer.id, this.network.vpnConnections[i]);
    });

    const databases = new Map<string, rds.DatabaseCluster>();
    const objectStores = new Map<string, s3.Bucket>();
    const serviceRoles = new Map<string, iam.Role>();
    for (const service of props.services) {
      const name = constructId(service.name);
      const role = new iam.Role(this, `${name}TaskRole`, {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        description: `Tasks of ${service.name} in ${this.stackName}`,
      });
      acknowledgeGrantPolicy(role);
      serviceRoles.set(service.name, role);
      if (service.database) {
        const store = new RelationalStore(this, `${name}Database`, {
          vpc: this.network.vpc,
          encryptionKey: this.dataKey,
          logsKey: this.logsKey,
          clusterIdentifier: serviceResourceIdentifier(this.stackName, service.name),
          databaseName: service.name,
          minCapacityAcu: service.database.minCapacityAcu,
          maxCapacityAcu: service.database.maxCapacityAcu,
        });
        databases.set(service.name, store.cluster);
        const replicated = props.replication?.marketsByService[service.name] ?? [];
        if (props.replication && service.database.legacySchema && replicated.length > 0) {
          new MarketReplication(this, `${name}Replication`, {
            vpc: this.network.vpc,
            subnetIds: this.network.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
            encryptionKey: this.dataKey,
            source: legacySource(props.replication.legacy),
            target: {
              engine: 'aurora-postgresql',
              serverName: store.cluster.clusterEndpoint.hostname,
              port: RelationalStore.PORT,
              databaseName: service.name,
              reach: store.cluster,
              description: `the ${service.name} database of ${this.stackName}`,
            },
            schema: service.database.legacySchema,
            // The plan requires tables with a schema; none here fails early in the table mappings.
            tables: service.database.legacyTables ?? [],
            marketColumn: props.replication.legacy.marketColumn,
            markets: replicated,
            declaredMarkets: props.replication.declaredMarkets,
            identifier: serviceResourceIdentifier(this.stackName, service.name),
          });
        }
        // IAM database authentication as the "app" user: the task never holds a password.
        store.cluster.grantConnect(role, 'app');
      }
      if (service.objectStore) {
        const objects = new SecureBucket(this, `${name}Objects`, {
          encryptionKey: this.dataKey,
          serverAccessLogsBucket: this.accessLogsBucket,
        });
        objectStores.set(service.name, objects.bucket);
        objects.bucket.grantReadWrite(role);
        const bucketId = this.getLogicalId(objects.bucket.node.defaultChild as s3.CfnBucket);
        const findings = [
          ...[
            's3:Abort*',
            's3:DeleteObject*',
            's3:GetBucket*',
            's3:GetObject*',
            's3:List*',
            'kms:GenerateDataKey*',
            'kms:ReEncrypt*',
          ].map((action) => `Action::${action}`),
          `Resource::<${bucketId}.Arn>/*`,
        ];
        for (const finding of findings) {
          Validations.of(role).acknowledge({
            id: `AwsSolutions-IAM5[${finding}]`,
            reason: `grantReadWrite on the ${service.name} bucket: users' objects under any key of this one bucket, and the matching data-key operations on this region's key. Nothing else.`,
          });
        }
      }
    }
    this.serviceRoles = serviceRoles;
    this.databases = databases;
    this.objectStores = objectStores;
    if (props.replicationSource) this.exportForReplication(props.replicationSource);

    if (props.cdnLogBucketName) {
      this.cdnLogsBucket = new SecureBucket(this, 'CdnLogs', {
        bucketName: props.cdnLogBucketName,
        receivesAclLogDelivery: true,
        serverAccessLogsBucket: this.accessLogsBucket,
        expirationDays: 365,
      }).bucket;
    }
  }

  /**
   * Named exports a later phase's transfer stack in this region imports: other stages cannot
   * reference this stack's resources, and an export cannot be removed or changed while imported,
   * so no phase loses its source under a running replication.
   */
  private exportForReplication(source: NonNullable<DataStackProps['replicationSource']>): void {
    const exportAs = (id: string, what: string, value: string, description: string) =>
      new CfnOutput(this, id, {
        value,
        exportName: replicationSourceExportName(source.phase, source.location, what),
        description,
      });
    const vpc = this.network.vpc;
    exportAs('VpcIdForReplication', 'vpc', vpc.vpcId, 'VPC a later phase replicates out of');
    exportAs(
      'PrivateSubnetsForReplication',
      'private-subnets',
      Fn.join(
        ',',
        vpc.privateSubnets.map((s) => s.subnetId),
      ),
      'Private subnets a later phase runs its replication in',
    );
    exportAs(
      'PrivateRouteTablesForReplication',
      'private-route-tables',
      Fn.join(
        ',',
        vpc.privateSubnets.map((s) => s.routeTable.routeTableId),
      ),
      'Route tables of those subnets, where the later phase routes to its own VPC',
    );
    for (const service of source.services) {
      const cluster = this.databases.get(service);
      if (!cluster) continue;
      exportAs(
        `${constructId(service)}DatabaseAddressForReplication`,
        `${service}-database-address`,
        cluster.clusterEndpoint.hostname,
        `Writer address of the ${service} database, a later phase's replication source`,
      );
      exportAs(
        `${constructId(service)}DatabaseSecurityGroupForReplication`,
        `${service}-database-security-group`,
        cluster.connections.securityGroups[0].securityGroupId,
        `Security group of the ${service} database, opened to that replication`,
      );
    }
  }
}
