import { CfnOutput, Fn, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../compliance/acknowledge';
import type { ServiceConfig } from '../config/schema';
import { type LegacyDatabase, legacySource, MarketReplication } from '../constructs/market-replication';
import { MigrationAlarms } from '../constructs/migration-alarms';
import { RegionalKey } from '../constructs/regional-key';
import { RegionalNetwork, type VpnConnectionTo } from '../constructs/regional-network';
import { RelationalStore } from '../constructs/relational-store';
import { SecureBucket } from '../constructs/secure-bucket';
import { type UploadingMarket, uploadAcceleration } from '../constructs/upload-acceleration';
import { constructId, replicationSourceExportName, serviceResourceIdentifier } from '../naming';
import { RegionalStack } from './regional-stack';

/**
 * The key prefix under which a service with an object store writes: browsers upload there with
 * URLs the service presigns, and its task role may put objects nowhere else. A contract between
 * this app and the service's code, which gets it as `UPLOAD_KEY_PREFIX`.
 */
export const UPLOAD_KEY_PREFIX = 'uploads/';

/** A service's object store, as its tasks use it. */
export interface ObjectStore {
  readonly bucket: s3.Bucket;
  /**
   * Whether the bucket takes accelerated uploads (`<bucket>.s3-accelerate.amazonaws.com`),
   * decided from the markets that upload to it (see `uploadAcceleration`).
   */
  readonly transferAcceleration: boolean;
}

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
    /** Services whose full load truncates the target's tables first (see MarketReplication). @default - none */
    readonly truncateBeforeLoad?: readonly string[];
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
   * Who uploads to the object stores (services with `objectStore`): the public domain, under whose
   * service names the pages that upload are served (the buckets' CORS origins), and the markets
   * whose users upload here (for Transfer Acceleration). Required when a service has an object store.
   * @default - no object store
   */
  readonly uploads?: {
    readonly domainName: string;
    readonly markets: readonly UploadingMarket[];
  };
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
  public readonly objectStores: ReadonlyMap<string, ObjectStore>;
  public readonly cdnLogsBucket?: s3.Bucket;
  /**
   * The role each service's tasks assume. Kept beside the stores so every grant on them is
   * made here, in one stack, where a reviewer reads who may touch which data.
   */
  public readonly serviceRoles: ReadonlyMap<string, iam.Role>;
  /** Alarms on the VPNs and replications here; the phase's dashboard shows them. */
  public readonly migrationAlarms: MigrationAlarms;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.dataKey = new RegionalKey(this, 'DataKey', { description: `Data at rest of ${this.stackName}` }).key;
    const replicates = props.services.some(
      (s) => s.database?.legacySchema && (props.replication?.marketsByService[s.name] ?? []).length > 0,
    );
    this.logsKey = new RegionalKey(this, 'LogsKey', {
      description: `Logs and alarm notifications of ${this.stackName}`,
      // EventBridge publishes the replications' state changes to the alarm topic it encrypts.
      usedBy: replicates ? ['logs', 'alarms', 'events'] : ['logs', 'alarms'],
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
    this.migrationAlarms = migrationAlarms;
    (props.vpnPeers ?? []).forEach((peer, i) => {
      migrationAlarms.watchVpn(peer.id, this.network.vpnConnections[i]);
    });

    const databases = new Map<string, rds.DatabaseCluster>();
    const objectStores = new Map<string, ObjectStore>();
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
          const replication = new MarketReplication(this, `${name}Replication`, {
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
            truncateBeforeLoad: props.replication.truncateBeforeLoad?.includes(service.name),
          });
          migrationAlarms.watchReplication(replication);
        }
        // IAM database authentication as the "app" user: the task never holds a password.
        store.cluster.grantConnect(role, 'app');
      }
      if (service.objectStore) {
        objectStores.set(service.name, this.objectStore(service.name, role, props.uploads));
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
   * A service's bucket for users' objects, which browsers write to directly with URLs the service
   * presigns: no upload crosses a load balancer or web ACL (whose managed rules block bodies over
   * 8 KB). A presigned URL can do no more than the role that signs it, so the task role may put
   * objects only under {@link UPLOAD_KEY_PREFIX}; it reads and deletes any key, so objects stored
   * before uploads moved under the prefix stay readable and deletable by their users. The bucket is
   * encrypted with this region's data key: uploading needs `kms:GenerateDataKey` and reading
   * `kms:Decrypt` on it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html),
   * which `grantPut` and `grantRead` add.
   */
  private objectStore(service: string, role: iam.Role, uploads: DataStackProps['uploads']): ObjectStore {
    if (!uploads) {
      throw new Error(`${this.node.path}: ${service} has an object store, so the stack needs \`uploads\``);
    }
    const acceleration = uploadAcceleration(this.region, uploads.markets);
    const serviceDomain = `${service}.${uploads.domainName}`;
    const objects = new SecureBucket(this, `${constructId(service)}Objects`, {
      encryptionKey: this.dataKey,
      serverAccessLogsBucket: this.accessLogsBucket,
      transferAcceleration: acceleration.enabled,
      // Browsers PUT from the service's pages, served at its public name or a market or layer name
      // under it; an origin may hold one `*` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html).
      // POST too: a large photo goes up in parts, and a multipart upload starts and completes with
      // a POST (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html); the parts'
      // ETags, exposed, are what the completing request lists.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.POST],
          allowedOrigins: [`https://${serviceDomain}`, `https://*.${serviceDomain}`],
          allowedHeaders: ['content-type', 'content-md5', 'x-amz-*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
    });
    objects.bucket.grantRead(role);
    objects.bucket.grantPut(role, `${UPLOAD_KEY_PREFIX}*`);
    objects.bucket.grantDelete(role);
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
      `Resource::<${bucketId}.Arn>/${UPLOAD_KEY_PREFIX}*`,
    ];
    for (const finding of findings) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `The ${service} bucket only: users' objects are read and deleted under any key of it, written only under ${UPLOAD_KEY_PREFIX} (presigned uploads), with the matching data-key operations on this region's key. Nothing else.`,
      });
    }
    return { bucket: objects.bucket, transferAcceleration: acceleration.enabled };
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
