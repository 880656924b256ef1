import { ArnFormat, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../compliance/acknowledge';
import type { ServiceConfig } from '../config/schema';
import { type LegacyDatabase, LegacyReplication } from '../constructs/legacy-replication';
import { RegionalKey } from '../constructs/regional-key';
import { RegionalNetwork, type VpnPeer } from '../constructs/regional-network';
import { RelationalStore } from '../constructs/relational-store';
import { SecureBucket } from '../constructs/secure-bucket';
import { constructId, serviceResourceIdentifier } from '../naming';

/** Props for {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** The VPC CIDR block for this phase in this region. */
  readonly vpcCidr: string;
  /** The services whose stores live here. */
  readonly services: readonly ServiceConfig[];
  /**
   * The legacy data center's VPN device, for replication during cutover.
   * @default - no VPN
   */
  readonly legacyVpn?: VpnPeer;
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
}

/**
 * Everything stateful a phase keeps in one region: the keys, the network, one database (and
 * object store, where the plan asks) per service, and the log buckets. Termination protection
 * on; every store is retained or snapshotted on removal.
 */
export class DataStack extends Stack {
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
    }).key;
    // CloudWatch Logs encrypts groups with the key only if its policy allows it:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // Alarms publish to the encrypted topic only if CloudWatch may use the key:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.accessLogsBucket = new SecureBucket(this, 'AccessLogs', { expirationDays: 365 }).bucket;

    this.network = new RegionalNetwork(this, 'Network', {
      cidr: props.vpcCidr,
      logsKey: this.logsKey,
      vpnPeer: props.legacyVpn,
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
          new LegacyReplication(this, `${name}Replication`, {
            vpc: this.network.vpc,
            encryptionKey: this.dataKey,
            legacy: props.replication.legacy,
            legacySchema: service.database.legacySchema,
            // The plan requires tables with a schema; none here fails early in the table mappings.
            legacyTables: service.database.legacyTables ?? [],
            target: store.cluster,
            targetPort: RelationalStore.PORT,
            targetDatabaseName: service.name,
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
   * The first two zones CloudFormation finds in the account, resolved at deploy time.
   *
   * A stack with an explicit account and region would otherwise look its zones up at synth
   * (AWS credentials needed), and writing zone names into the plan hard-codes names that map
   * to different zones in each account (the CloudFormation validator's W3010).
   */
  public override get availabilityZones(): string[] {
    return [0, 1].map((i) => Fn.select(i, Fn.getAzs()));
  }
}
