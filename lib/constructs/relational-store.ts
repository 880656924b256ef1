import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

/** Props for {@link RelationalStore}. */
export interface RelationalStoreProps {
  readonly vpc: ec2.IVpc;
  /** The regional customer-managed key for storage, Performance Insights and the master secret. */
  readonly encryptionKey: IKey;
  /** Encrypts the exported PostgreSQL log groups (they can hold query text with personal data). */
  readonly logsKey: IKey;
  /**
   * The cluster's physical identifier, from the naming helper. Fixed so the KMS-encrypted log
   * group RDS exports into can exist before the cluster (RDS would otherwise create it
   * unencrypted). Changing it replaces the cluster.
   */
  readonly clusterIdentifier: string;
  /** The initial database name. */
  readonly databaseName: string;
  /**
   * Lowest Serverless v2 capacity in ACUs.
   * @default 0.5
   */
  readonly minCapacityAcu?: number;
  /**
   * Highest Serverless v2 capacity in ACUs.
   * @default 16
   */
  readonly maxCapacityAcu?: number;
  /**
   * Days automated backups are kept, in this region only. At least 7.
   * @default 14
   */
  readonly backupRetentionDays?: number;
  /**
   * Days exported database logs are kept.
   * @default 365
   */
  readonly logRetentionDays?: logs.RetentionDays;
}

/**
 * Aurora PostgreSQL Serverless v2: a writer and a reader in two AZs, isolated subnets,
 * encrypted with the regional key, IAM authentication, deletion protection, in-region backups,
 * an RDS-managed master secret (Secrets Manager, rotated by RDS), snapshot on removal.
 */
export class RelationalStore extends Construct {
  /** The PostgreSQL port every cluster listens on. */
  public static readonly PORT = 5432;

  public readonly cluster: rds.DatabaseCluster;

  constructor(scope: Construct, id: string, props: RelationalStoreProps) {
    super(scope, id);
    const backupRetentionDays = props.backupRetentionDays ?? 14;
    if (backupRetentionDays < 7) {
      throw new Error(`${this.node.path}: backupRetentionDays is ${backupRetentionDays}, expected at least 7`);
    }

    const exportedLogs = new logs.LogGroup(this, 'PostgresqlLogs', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      encryptionKey: props.logsKey,
      retention: props.logRetentionDays ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const instance = {
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      autoMinorVersionUpgrade: true,
    };
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier: props.clusterIdentifier,
      port: RelationalStore.PORT,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
      writer: rds.ClusterInstance.serverlessV2('Writer', instance),
      readers: [rds.ClusterInstance.serverlessV2('Reader', { ...instance, scaleWithWriter: true })],
      serverlessV2MinCapacity: props.minCapacityAcu ?? 0.5,
      serverlessV2MaxCapacity: props.maxCapacityAcu ?? 16,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      defaultDatabaseName: props.databaseName,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      manageMasterUserPassword: true,
      credentials: rds.Credentials.fromUsername('app_admin', { encryptionKey: props.encryptionKey }),
      iamAuthentication: true,
      deletionProtection: true,
      deleteAutomatedBackups: false,
      backup: { retention: Duration.days(backupRetentionDays), preferredWindow: '17:00-18:00' },
      preferredMaintenanceWindow: 'sun:18:30-sun:19:30',
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      monitoringInterval: Duration.seconds(60),
      copyTagsToSnapshot: true,
      parameters: {
        // Force TLS for every client: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
        'rds.force_ssl': '1',
        log_connections: '1',
        log_disconnections: '1',
        // Change capture out of this cluster (India's rows to Mumbai) needs logical replication
        // (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Replication.Logical.Configure.html);
        // a static parameter: an existing cluster takes it at its next reboot.
        'rds.logical_replication': '1',
      },
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.cluster.node.addDependency(exportedLogs);

    const monitoringRole = this.cluster.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'Enhanced Monitoring requires this AWS-maintained service role policy; it only lets RDS write OS metrics to the RDSOSMetrics log group.',
      });
    }
  }
}
