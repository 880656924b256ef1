/**
 * The residency mutation corpus: realistic changes an engineer might make to the real phase
 * stacks, each added under its own scope to the app exactly as `cdk synth` builds it (cdk.json's
 * context and feature flags, every compliance pack), synthesized once. Each case asserts the
 * exact residency rules that fire on its constructs, or that none does: violations must be
 * refused, legitimate work must pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  Aws,
  CfnDynamicReference,
  CfnDynamicReferenceService,
  CfnMapping,
  CfnOutput,
  CfnParameter,
  CfnResource,
  CrossStackReferences,
  CustomResource,
  Duration,
  Fn,
  PhysicalName,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  type Stage,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as appflow from 'aws-cdk-lib/aws-appflow';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as memorydb from 'aws-cdk-lib/aws-memorydb';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DataResidencyChecks } from '../../lib/compliance/residency/data-residency-checks';
import { declareResidency } from '../../lib/compliance/residency/residency-declaration';
import { buildMigrationApp } from '../../lib/migration-app';
import type { DataStack } from '../../lib/stacks/data-stack';
import { cdkJsonContext, defaultPlan, withoutCloudFormationValidator } from '../support/harness';

// The subject is the residency pack; the CloudFormation validator has its own whole-app run.
withoutCloudFormationValidator();

const ACCOUNT = '111111111111';
const plan = defaultPlan();
const PHASES = [1, 3];

/**
 * Cases share one app, so cross-region references all point one way (a consumer in
 * us-west-1 or in Service-ap-southeast-1, a producer in Data-ap-southeast-1 or Data-us-west-1)
 * to keep the stacks free of dependency cycles.
 */
/** Where a case builds: a scope of its own inside one real stack, by `PhaseN/StackId`. */
interface Scene {
  readonly app: App;
  /** A scope of the case's own in a stack, given by `PhaseN/StackId` or as a stack. */
  in(stack: string | Stack): Construct;
  stack(stackPath: string): Stack;
  data(stackPath: string): DataStack;
  /** A phase's stage, by `PhaseN`, for a case that adds a stack of its own to it. */
  stage(id: string): Stage;
}

type Build = (scene: Scene) => void;

/** [name, build, exact residency rules expected to fire on the case's constructs]. */
const CASES: [string, Build, string[]][] = [
  // --- declarations under cdk.json's context -------------------------------------------
  [
    'a TableV2 with no replica in a declared data stack (control)',
    (s) =>
      new dynamodb.TableV2(s.in('Phase1/Data-ap-southeast-1'), 'Carts', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    [],
  ],
  [
    'a local backup vault and plan with no copy (control)',
    (s) => {
      const scope = s.in('Phase1/Data-us-west-1');
      const vault = new backup.BackupVault(scope, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
      new backup.BackupPlan(scope, 'Plan', { backupVault: vault, backupPlanRules: [backup.BackupPlanRule.daily()] });
    },
    [],
  ],
  [
    'an ElastiCache Serverless cache in Mumbai (control)',
    (s) =>
      new elasticache.CfnServerlessCache(s.in('Phase3/Data-ap-south-1'), 'Sessions', {
        engine: 'valkey',
        serverlessCacheName: 'sessions-in',
      }),
    [],
  ],
  [
    'a bucket in a stack no phase declares',
    (s) => {
      const stack = new Stack(s.app, 'Scratch', { env: { account: ACCOUNT, region: 'us-west-1' } });
      new s3.CfnBucket(s.in(stack), 'Exports');
    },
    ['DataStoreDeclared'],
  ],
  [
    "China's data declared on a bucket in California",
    (s) => {
      const bucket = new s3.CfnBucket(s.in('Phase1/Data-us-west-1'), 'CnReceipts');
      declareResidency(bucket, { markets: ['CN'] });
    },
    ['DataStoreLocation', 'DeclarationNarrowed'],
  ],
  [
    "personal data at the edge (a table in CloudFront's us-east-1 stack)",
    (s) => {
      const table = new dynamodb.CfnTable(s.in('Phase1/Edge-us-east-1'), 'Sessions', {
        keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
        attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
        billingMode: 'PAY_PER_REQUEST',
      });
      declareResidency(table, { markets: ['US'] });
    },
    ['DataStoreLocation', 'EdgeHoldsNoPersonalData'],
  ],
  // --- S3 ------------------------------------------------------------------------------
  [
    'S3 replication to a bucket in Singapore from California (proven, not allowed for US)',
    (s) => {
      const copy = new s3.Bucket(s.in('Phase1/Data-ap-southeast-1'), 'OrdersCopy', {
        versioned: true,
        bucketName: PhysicalName.GENERATE_IF_NEEDED,
      });
      new s3.Bucket(s.in('Phase1/Data-us-west-1'), 'Orders', {
        versioned: true,
        replicationRules: [{ destination: copy, priority: 1 }],
      });
    },
    ['S3ReplicationDestination'],
  ],
  [
    'S3 replication from Singapore to California, which every Singapore market allows (control)',
    (s) => {
      const copy = new s3.Bucket(s.in('Phase1/Data-us-west-1'), 'InvoicesCopy', {
        versioned: true,
        bucketName: PhysicalName.GENERATE_IF_NEEDED,
      });
      new s3.Bucket(s.in('Phase1/Service-ap-southeast-1'), 'Invoices', {
        versioned: true,
        replicationRules: [{ destination: copy, priority: 1 }],
      });
    },
    [],
  ],
  [
    'S3 replication to a bucket imported by name',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      new s3.Bucket(scope, 'Photos', {
        versioned: true,
        replicationRules: [{ destination: s3.Bucket.fromBucketName(scope, 'Central', 'central-exports'), priority: 1 }],
      });
    },
    ['S3ReplicationDestination'],
  ],
  [
    'S3 replication to an ARN written with Aws.PARTITION',
    (s) =>
      new s3.CfnBucket(s.in('Phase3/Data-ap-south-1'), 'Receipts', {
        versioningConfiguration: { status: 'Enabled' },
        replicationConfiguration: {
          role: `arn:${Aws.PARTITION}:iam::${ACCOUNT}:role/replication`,
          rules: [{ status: 'Enabled', destination: { bucket: `arn:${Aws.PARTITION}:s3:::receipts-copy` } }],
        },
      }),
    ['S3ReplicationDestination'],
  ],
  [
    'S3 replication to a bucket ARN read from an SSM parameter',
    (s) => {
      const scope = s.in('Phase3/Data-ap-south-1');
      new s3.CfnBucket(scope, 'Statements', {
        versioningConfiguration: { status: 'Enabled' },
        replicationConfiguration: {
          role: `arn:${Aws.PARTITION}:iam::${ACCOUNT}:role/replication`,
          rules: [
            {
              status: 'Enabled',
              destination: {
                bucket: ssm.StringParameter.valueForStringParameter(scope, '/shared/statements-copy-arn'),
              },
            },
          ],
        },
      });
    },
    ['S3ReplicationDestination'],
  ],
  [
    'S3 inventory exported to a bucket in another region',
    (s) =>
      new s3.CfnBucket(s.in('Phase1/Data-us-west-1'), 'Uploads', {
        inventoryConfigurations: [
          {
            id: 'weekly',
            enabled: true,
            includedObjectVersions: 'Current',
            scheduleFrequency: 'Weekly',
            destination: { bucketArn: 'arn:aws:s3:::inventory-eu', format: 'CSV' },
          },
        ],
      }),
    ['S3ReplicationDestination'],
  ],
  [
    'S3 replication inside the same region (control)',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      const copy = new s3.Bucket(scope, 'ThumbsCopy', { versioned: true });
      new s3.Bucket(scope, 'Thumbs', { versioned: true, replicationRules: [{ destination: copy, priority: 1 }] });
    },
    [],
  ],
  // --- DynamoDB ------------------------------------------------------------------------
  [
    'a TableV2 replica in Ireland',
    (s) =>
      new dynamodb.TableV2(s.in('Phase1/Data-ap-southeast-1'), 'Wishlists', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        replicas: [{ region: 'eu-west-1' }],
      }),
    ['DynamoDbReplicaRegion'],
  ],
  [
    'a TableV2 replica in California, which every Singapore market allows (control)',
    (s) =>
      new dynamodb.TableV2(s.in('Phase1/Data-ap-southeast-1'), 'Reviews', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        replicas: [{ region: 'us-west-1' }],
      }),
    [],
  ],
  [
    'a Table with replicationRegions (custom-resource replicas) in Frankfurt',
    (s) =>
      new dynamodb.Table(s.in('Phase3/Data-ap-south-1'), 'Loyalty', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        replicationRegions: ['eu-central-1'],
      }),
    ['DynamoDbReplicaRegion'],
  ],
  [
    "a table streaming its changes to another region's Kinesis stream",
    (s) =>
      new dynamodb.CfnTable(s.in('Phase1/Data-us-west-1'), 'Orders2', {
        keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
        attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
        billingMode: 'PAY_PER_REQUEST',
        kinesisStreamSpecification: { streamArn: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/changes` },
      }),
    ['DynamoDbReplicaRegion'],
  ],
  // --- Aurora / RDS / DocumentDB / ElastiCache ------------------------------------------
  [
    "an Aurora global database attached through GlobalCluster.SourceDBClusterIdentifier (Singapore's shop cluster, secondary in California)",
    (s) => {
      const source = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      const global = new rds.CfnGlobalCluster(s.in('Phase1/Data-ap-southeast-1'), 'ShopGlobal', {
        globalClusterIdentifier: 'shop-global',
        sourceDbClusterIdentifier: source.clusterArn,
      });
      new rds.CfnDBCluster(s.in('Phase1/Data-us-west-1'), 'ShopSecondary', {
        engine: 'aurora-postgresql',
        globalClusterIdentifier: global.globalClusterIdentifier,
        storageEncrypted: true,
      });
    },
    ['GlobalDatabaseMembers'],
  ],
  [
    'an Aurora cluster joining a global database that is not in this app',
    (s) =>
      new rds.CfnDBCluster(s.in('Phase3/Data-ap-south-1'), 'OrdersSecondary', {
        engine: 'aurora-postgresql',
        globalClusterIdentifier: 'orders-global-elsewhere',
        storageEncrypted: true,
      }),
    ['GlobalDatabaseMembers'],
  ],
  [
    'a DocumentDB cluster joining a global cluster that is not in this app',
    (s) =>
      new docdb.CfnDBCluster(s.in('Phase1/Data-ap-southeast-1'), 'Catalog', {
        globalClusterIdentifier: 'catalog-global',
        storageEncrypted: true,
      }),
    ['GlobalDatabaseMembers'],
  ],
  [
    'an ElastiCache global datastore with a member in Ireland',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      const primary = new elasticache.CfnReplicationGroup(scope, 'Sessions', {
        replicationGroupDescription: 'sessions',
        engine: 'redis',
        cacheNodeType: 'cache.r6g.large',
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
      });
      new elasticache.CfnGlobalReplicationGroup(scope, 'SessionsGlobal', {
        globalReplicationGroupIdSuffix: 'sessions',
        members: [
          { replicationGroupId: primary.ref, replicationGroupRegion: 'ap-southeast-1', role: 'PRIMARY' },
          { replicationGroupId: 'sessions-eu', replicationGroupRegion: 'eu-west-1', role: 'SECONDARY' },
        ],
      });
    },
    ['GlobalDatabaseMembers'],
  ],
  [
    'a cross-region read replica of a database outside this app',
    (s) =>
      new rds.CfnDBInstance(s.in('Phase1/Data-us-west-1'), 'LegacyReplica', {
        dbInstanceClass: 'db.r6g.large',
        sourceDbInstanceIdentifier: `arn:aws:rds:ap-southeast-1:${ACCOUNT}:db:orders`,
      }),
    ['DatabaseCopy'],
  ],
  [
    "a read replica in California of Singapore's shop cluster, which every Singapore market allows (control)",
    (s) => {
      const source = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      new rds.CfnDBCluster(s.in('Phase1/Data-us-west-1'), 'AsiaReplica', {
        engine: 'aurora-postgresql',
        replicationSourceIdentifier: source.clusterArn,
        storageEncrypted: true,
      });
    },
    [],
  ],
  [
    "a read replica in Singapore of California's shop cluster (US data in a region the US does not allow)",
    (s) => {
      const source = s.data('Phase1/Data-us-west-1').databases.get('shop') as rds.DatabaseCluster;
      new rds.CfnDBCluster(s.in('Phase1/Service-ap-southeast-1'), 'UsReplica', {
        engine: 'aurora-postgresql',
        replicationSourceIdentifier: source.clusterArn,
        storageEncrypted: true,
      });
    },
    ['DatabaseCopy'],
  ],
  [
    'automated backups replicated to Frankfurt',
    (s) =>
      new rds.CfnDBInstance(s.in('Phase3/Data-ap-south-1'), 'Reports', {
        dbInstanceClass: 'db.t4g.medium',
        engine: 'postgres',
        storageEncrypted: true,
        automaticBackupReplicationRegion: 'eu-central-1',
      }),
    ['DatabaseCopy'],
  ],
  // --- Backup, EFS, KMS ----------------------------------------------------------------
  [
    'a backup copy to a vault in Ireland',
    (s) =>
      new backup.CfnBackupPlan(s.in('Phase3/Data-ap-south-1'), 'Nightly', {
        backupPlan: {
          backupPlanName: 'nightly',
          backupPlanRule: [
            {
              ruleName: 'daily',
              targetBackupVault: 'local',
              copyActions: [{ destinationBackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:abroad` }],
            },
          ],
        },
      }),
    ['BackupCopyDestination'],
  ],
  [
    "a backup copy from Singapore to California's vault, which every Singapore market allows (control)",
    (s) => {
      const vault = new backup.BackupVault(s.in('Phase1/Data-us-west-1'), 'DrVault', {
        backupVaultName: 'shop-dr-vault',
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const plan = new backup.BackupPlan(s.in('Phase1/Service-ap-southeast-1'), 'DrPlan');
      plan.addRule(new backup.BackupPlanRule({ copyActions: [{ destinationBackupVault: vault }] }));
    },
    [],
  ],
  [
    'EFS replication to Ireland',
    (s) =>
      new efs.CfnFileSystem(s.in('Phase1/Data-ap-southeast-1'), 'Shared', {
        encrypted: true,
        replicationConfiguration: { destinations: [{ region: 'eu-west-1' }] },
      }),
    ['EfsReplication'],
  ],
  [
    'EFS replication from Singapore to California (control)',
    (s) =>
      new efs.CfnFileSystem(s.in('Phase1/Data-ap-southeast-1'), 'SharedDr', {
        encrypted: true,
        replicationConfiguration: { destinations: [{ region: 'us-west-1' }] },
      }),
    [],
  ],
  [
    'a multi-region key in a data stack',
    (s) => new kms.Key(s.in('Phase1/Data-ap-southeast-1'), 'SharedKey', { multiRegion: true, enableKeyRotation: true }),
    ['MultiRegionKey'],
  ],
  // --- logs ----------------------------------------------------------------------------
  [
    'a log subscription to a Kinesis stream in Oregon',
    (s) =>
      new logs.CfnSubscriptionFilter(s.in('Phase1/Data-ap-southeast-1'), 'ShipLogs', {
        logGroupName: 'app',
        filterPattern: '',
        destinationArn: `arn:aws:kinesis:us-west-2:${ACCOUNT}:stream/central-logs`,
      }),
    ['LogSubscriptionDestination'],
  ],
  [
    'a log subscription to a stream in the same stack (control)',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      const stream = new kinesis.Stream(scope, 'LogStream', { encryption: kinesis.StreamEncryption.MANAGED });
      new logs.CfnSubscriptionFilter(scope, 'LocalShip', {
        logGroupName: 'app',
        filterPattern: '',
        destinationArn: stream.streamArn,
      });
    },
    [],
  ],
  [
    'a container whose awslogs driver writes to us-east-1 (awslogs-region)',
    (s) => {
      const task = new ecs.FargateTaskDefinition(s.in('Phase3/Service-ap-south-1'), 'Worker');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        logging: new ecs.GenericLogDriver({
          logDriver: 'awslogs',
          options: { 'awslogs-region': 'us-east-1', 'awslogs-group': 'central-app-logs' },
        }),
      });
    },
    ['ContainerLogDestination'],
  ],
  [
    'a container logging to Splunk',
    (s) => {
      const task = new ecs.FargateTaskDefinition(s.in('Phase3/Service-ap-south-1'), 'Reporter');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        logging: ecs.LogDrivers.splunk({
          url: 'https://splunk.example.net:8088',
          secretToken: ecs.Secret.fromSsmParameter(
            ssm.StringParameter.fromSecureStringParameterAttributes(s.in('Phase3/Service-ap-south-1'), 'Token', {
              parameterName: '/splunk/token',
            }),
          ),
        }),
      });
    },
    ['ContainerLogDestination'],
  ],
  [
    'a container with the awslogs driver in its own region (control)',
    (s) => {
      const scope = s.in('Phase3/Service-ap-south-1');
      const task = new ecs.FargateTaskDefinition(scope, 'Sidecar');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        logging: ecs.LogDrivers.awsLogs({
          streamPrefix: 'sidecar',
          logGroup: new logs.LogGroup(scope, 'SidecarLogs', { retention: logs.RetentionDays.ONE_YEAR }),
        }),
      });
    },
    [],
  ],
  [
    'load balancer access logs to a bucket outside this app',
    (s) =>
      new CfnResource(s.in('Phase1/Service-ap-southeast-1'), 'InternalAlb', {
        type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        properties: {
          Scheme: 'internal',
          Subnets: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
          LoadBalancerAttributes: [
            { Key: 'access_logs.s3.enabled', Value: 'true' },
            { Key: 'access_logs.s3.bucket', Value: 'central-alb-logs' },
          ],
        },
      }),
    ['ClientIpLogDestination'],
  ],
  [
    'WAF logs to a log group in us-east-1',
    (s) =>
      new wafv2.CfnLoggingConfiguration(s.in('Phase1/Service-ap-southeast-1'), 'WafLogs', {
        resourceArn: `arn:aws:wafv2:ap-southeast-1:${ACCOUNT}:regional/webacl/shop/abc`,
        logDestinationConfigs: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-central`],
      }),
    ['ClientIpLogDestination'],
  ],
  [
    'VPC flow logs to a bucket outside this app',
    (s) => {
      const vpc = s.data('Phase3/Data-ap-south-1').network.vpc;
      new ec2.FlowLog(s.in('Phase3/Data-ap-south-1'), 'CentralFlowLogs', {
        resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
        destination: ec2.FlowLogDestination.toS3(
          s3.Bucket.fromBucketArn(s.in('Phase3/Data-ap-south-1'), 'Central', 'arn:aws:s3:::central-flow-logs'),
        ),
      });
    },
    ['ClientIpLogDestination'],
  ],
  [
    'Route 53 resolver query logs to a log group in Oregon',
    (s) =>
      new route53resolver.CfnResolverQueryLoggingConfig(s.in('Phase1/Data-ap-southeast-1'), 'QueryLogs', {
        destinationArn: `arn:aws:logs:us-west-2:${ACCOUNT}:log-group:resolver-queries`,
      }),
    ['ClientIpLogDestination'],
  ],
  [
    'CloudFront logs in Singapore with no geo restriction (US and Chinese viewers logged in Singapore)',
    (s) =>
      new cloudfront.CfnDistribution(s.in('Phase1/Edge-us-east-1'), 'Downloads', {
        distributionConfig: {
          enabled: true,
          logging: { bucket: 'downloads-logs.s3.ap-southeast-1.amazonaws.com' },
          defaultCacheBehavior: { targetOriginId: 'o', viewerProtocolPolicy: 'redirect-to-https' },
          origins: [
            {
              id: 'o',
              domainName: 'downloads.shop.example.com',
              customOriginConfig: { originProtocolPolicy: 'https-only' },
            },
          ],
        },
      }),
    ['CloudFrontLogBucket'],
  ],
  // --- streams, events, messages --------------------------------------------------------
  [
    'a Firehose stream delivering to an HTTP endpoint outside AWS',
    (s) =>
      new firehose.CfnDeliveryStream(s.in('Phase3/Data-ap-south-1'), 'Clickstream', {
        httpEndpointDestinationConfiguration: {
          endpointConfiguration: { url: 'https://collector.analytics.example.net' },
          s3Configuration: {
            bucketArn: s.data('Phase3/Data-ap-south-1').accessLogsBucket.bucketArn,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose`,
          },
        },
      }),
    ['FirehoseDestination'],
  ],
  [
    'a Firehose stream delivering to a bucket in the same stack (control)',
    (s) => {
      const scope = s.in('Phase3/Data-ap-south-1');
      const bucket = new s3.Bucket(scope, 'Events', { encryption: s3.BucketEncryption.S3_MANAGED });
      new firehose.CfnDeliveryStream(scope, 'EventsStream', {
        extendedS3DestinationConfiguration: {
          bucketArn: bucket.bucketArn,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose`,
        },
      });
    },
    [],
  ],
  [
    "an EventBridge rule whose target is another region's event bus",
    (s) => {
      const scope = s.in('Phase1/Service-ap-southeast-1');
      new events.Rule(scope, 'ForwardOrders', {
        eventPattern: { source: ['shop.orders'] },
        targets: [
          new targets.EventBus(
            events.EventBus.fromEventBusArn(scope, 'Central', `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/central`),
          ),
        ],
      });
    },
    ['EventBridgeTarget'],
  ],
  [
    'an EventBridge rule whose target is a queue in the same stack (control)',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      const queue = new sqs.Queue(scope, 'OrderEvents', {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
      });
      new events.Rule(scope, 'LocalOrders', {
        eventPattern: { source: ['shop.orders'] },
        targets: [new targets.SqsQueue(queue)],
      });
    },
    [],
  ],
  [
    "an SNS subscription to another region's queue",
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      const topic = new sns.Topic(scope, 'OrderPlaced', { enforceSSL: true });
      topic.addSubscription(
        new subscriptions.SqsSubscription(
          sqs.Queue.fromQueueArn(scope, 'Far', `arn:aws:sqs:eu-west-1:${ACCOUNT}:orders`),
        ),
      );
    },
    ['SnsSubscriptionDestination'],
  ],
  [
    'an SNS subscription to a queue imported with Fn::ImportValue',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      new sns.CfnSubscription(scope, 'Imported', {
        topicArn: new sns.Topic(scope, 'Refunds', { enforceSSL: true }).topicArn,
        protocol: 'sqs',
        endpoint: Fn.importValue('shared-refunds-queue-arn'),
      });
    },
    ['SnsSubscriptionDestination'],
  ],
  [
    'an e-mail subscription to a topic that carries orders',
    (s) => {
      const topic = new sns.Topic(s.in('Phase1/Data-us-west-1'), 'OrderMails', { enforceSSL: true });
      topic.addSubscription(new subscriptions.EmailSubscription('orders@example.com'));
    },
    ['SnsSubscriptionDestination'],
  ],
  [
    'an SNS subscription to a queue in the same stack (control)',
    (s) => {
      const scope = s.in('Phase1/Data-us-west-1');
      const topic = new sns.Topic(scope, 'Shipped', { enforceSSL: true });
      topic.addSubscription(
        new subscriptions.SqsSubscription(new sqs.Queue(scope, 'ShippedQueue', { enforceSSL: true })),
      );
    },
    [],
  ],
  // --- DMS ----------------------------------------------------------------------------
  [
    'a DMS selection on a wildcard table with a market filter (DMS ignores the filter)',
    (s) =>
      replication(s.in('Phase1/Data-ap-southeast-1'), 'Wildcard', [selection('1', 'shop', '%', 'include', ['SG'])]),
    ['DmsTableMappingScoped'],
  ],
  [
    'a DMS explicit selection with a market filter (filters apply only to include)',
    (s) =>
      replication(s.in('Phase1/Data-ap-southeast-1'), 'Explicit', [
        selection('1', 'shop', 'orders', 'explicit', ['SG']),
      ]),
    ['DmsTableMappingScoped'],
  ],
  [
    'a DMS table name with a bare underscore (a one-character wildcard)',
    (s) =>
      replication(s.in('Phase1/Data-ap-southeast-1'), 'Underscore', [
        selection('1', 'shop', 'order_items', 'include', ['SG']),
      ]),
    ['DmsTableMappingScoped'],
  ],
  [
    'DMS exact tables filtered to the markets served here (control)',
    (s) =>
      replication(s.in('Phase1/Data-ap-southeast-1'), 'Exact', [
        selection('1', 'shop', 'orders', 'include', ['SG', 'MY']),
        selection('2', 'shop', 'order[_]items', 'include', ['SG', 'MY']),
        {
          'rule-type': 'selection',
          'rule-id': '3',
          'rule-name': 'skip',
          'object-locator': { 'schema-name': 'shop', 'table-name': '%' },
          'rule-action': 'exclude',
        },
      ]),
    [],
  ],
  [
    'a DMS target endpoint in another region',
    (s) =>
      new dms.CfnEndpoint(s.in('Phase3/Data-ap-south-1'), 'Target', {
        endpointType: 'target',
        engineName: 'aurora-postgresql',
        serverName: 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com',
        port: 5432,
        databaseName: 'orders',
      }),
    ['DmsTarget'],
  ],
  // --- imports by export name, and CDK's strong cross-region references ---------------------
  [
    "a later phase's DMS target in Singapore importing, by export name, the endpoint of phase 1's Singapore cluster (control)",
    (s) => {
      const shop = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      new CfnOutput(s.in('Phase1/Data-ap-southeast-1'), 'ShopEndpoint', {
        value: shop.clusterEndpoint.hostname,
        exportName: 'corpus-phase1-shop-endpoint-sg',
      });
      const scope = s.in(laterStack(s, 'Migrate-ap-southeast-1', 'ap-southeast-1'));
      declareResidency(scope, { markets: ['SG', 'MY'] });
      dmsTarget(scope, 'ToShop', Fn.importValue('corpus-phase1-shop-endpoint-sg'));
    },
    [],
  ],
  [
    "a later phase's DMS target in Singapore copying US rows into phase 1's Singapore cluster (imported by name)",
    (s) => {
      const shop = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      new CfnOutput(s.in('Phase1/Data-ap-southeast-1'), 'ShopEndpointForUs', {
        value: shop.clusterEndpoint.hostname,
        exportName: 'corpus-phase1-shop-endpoint-sg-us',
      });
      const scope = s.in(laterStack(s, 'MigrateUs-ap-southeast-1', 'ap-southeast-1'));
      declareResidency(scope, { markets: ['US'] });
      dmsTarget(scope, 'UsToShop', Fn.importValue('corpus-phase1-shop-endpoint-sg-us'));
    },
    ['DmsTarget'],
  ],
  [
    "a DMS target in California importing an export that re-publishes Singapore's cluster endpoint",
    (s) => {
      const shop = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      new CfnOutput(s.in('Phase1/Data-us-west-1'), 'SgShopEndpoint', {
        value: shop.clusterEndpoint.hostname,
        exportName: 'corpus-sg-shop-endpoint-in-california',
      });
      dmsTarget(s.in('Phase1/Service-us-west-1'), 'Relayed', Fn.importValue('corpus-sg-shop-endpoint-in-california'));
    },
    ['DmsTarget'],
  ],
  [
    'a DMS target importing a name nothing in this app exports',
    (s) => dmsTarget(s.in('Phase1/Data-ap-southeast-1'), 'Legacy', Fn.importValue('legacy-shop-endpoint')),
    ['DmsTarget'],
  ],
  [
    'a DMS target whose import name is built from a parameter (this app exports the default name)',
    (s) => {
      const shop = s.data('Phase1/Data-ap-southeast-1').databases.get('shop') as rds.DatabaseCluster;
      const scope = s.in('Phase1/Data-ap-southeast-1');
      new CfnOutput(scope, 'ShopEndpointProd', {
        value: shop.clusterEndpoint.hostname,
        exportName: 'prod-shop-endpoint',
      });
      const env = new CfnParameter(scope, 'TargetEnv', { default: 'prod' });
      dmsTarget(scope, 'Chosen', Fn.importValue(Fn.join('-', [env.valueAsString, 'shop-endpoint'])));
    },
    ['DmsTarget'],
  ],
  [
    'a DMS target in Singapore importing a name exported only in California',
    (s) => {
      const shop = s.data('Phase1/Data-us-west-1').databases.get('shop') as rds.DatabaseCluster;
      new CfnOutput(s.in('Phase1/Data-us-west-1'), 'UsShopEndpoint', {
        value: shop.clusterEndpoint.hostname,
        exportName: 'corpus-shop-endpoint',
      });
      dmsTarget(s.in('Phase1/Data-ap-southeast-1'), 'Misnamed', Fn.importValue('corpus-shop-endpoint'));
    },
    ['DmsTarget'],
  ],
  [
    "India's rows written from Singapore into a Mumbai cluster passed by CDK's strong cross-region reference (control)",
    (s) => {
      const { cluster, migrate } = crossRegionPair(s, 'InRows');
      dmsTarget(migrate, 'ToMumbai', cluster.attrEndpointAddress);
    },
    [],
  ],
  [
    "Singapore's rows written into a Mumbai cluster passed by CDK's strong cross-region reference",
    (s) => {
      const { cluster, migrate } = crossRegionPair(s, 'SgRows', ['SG']);
      dmsTarget(migrate, 'ToMumbai', cluster.attrEndpointAddress);
    },
    ['DmsTarget'],
  ],
  [
    'a DMS target reading its host from a hand-written parameter under /cdk/exports (no CDK writer writes it)',
    (s) => {
      const stack = laterStack(s, 'Squat-ap-southeast-1', 'ap-southeast-1');
      const scope = s.in(stack);
      declareResidency(scope, { markets: ['IN'] });
      const name = `/cdk/exports/${stack.stackName}/ShopEndpoint`;
      new ssm.StringParameter(scope, 'Endpoint', {
        parameterName: name,
        stringValue: 'shop.cluster-abc123.ap-south-1.rds.amazonaws.com',
      });
      dmsTarget(scope, 'FromParameter', new CfnDynamicReference(CfnDynamicReferenceService.SSM, name).toString());
    },
    ['DmsTarget'],
  ],
  // --- default deny on anything else that names a destination ----------------------------
  [
    'a function told to export to a bucket outside this app (environment variable)',
    (s) =>
      new lambda.Function(s.in('Phase1/Service-us-west-1'), 'Exporter', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
        environment: { EXPORT_BUCKET_ARN: 'arn:aws:s3:::partner-exports' },
      }),
    ['DestinationProvable'],
  ],
  [
    'a function whose destination queue URL is a CloudFormation parameter',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      const url = new CfnParameter(scope, 'ExportQueueUrl', { type: 'String' });
      new lambda.Function(scope, 'Forwarder', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
        environment: { EXPORT_QUEUE_URL: url.valueAsString },
      });
    },
    ['DestinationProvable'],
  ],
  [
    'a container told to write to Frankfurt (environment variable with a region)',
    (s) => {
      const task = new ecs.FargateTaskDefinition(s.in('Phase3/Service-ap-south-1'), 'Mirror');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        environment: { MIRROR_REGION: 'eu-central-1' },
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'mirror' }),
      });
    },
    ['DestinationProvable'],
  ],
  [
    'a custom resource whose API call writes to another region (JSON in a property)',
    (s) =>
      new CfnResource(s.in('Phase1/Data-us-west-1'), 'CopyOut', {
        type: 'Custom::Copy',
        properties: {
          ServiceToken: `arn:aws:lambda:us-west-1:${ACCOUNT}:function:copier`,
          Create: JSON.stringify({ service: 'S3', action: 'copyObject', region: 'eu-west-1' }),
        },
      }),
    ['DestinationProvable'],
  ],
  [
    'a function in its own region, with its own queue (control)',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      const queue = new sqs.Queue(scope, 'Work', { enforceSSL: true, retentionPeriod: Duration.days(4) });
      new lambda.Function(scope, 'Worker', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
        environment: { QUEUE_URL: queue.queueUrl, REGION: Stack.of(scope).region },
      });
    },
    [],
  ],
  // --- found by an adversarial review: destinations in names, text, lookups and reads ---------
  [
    'a function told the name of a bucket outside this app',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      fn(scope, 'NameExport', {
        EXPORT_BUCKET: s3.Bucket.fromBucketName(scope, 'Partner', 'partner-exports').bucketName,
      });
    },
    ['DestinationProvable'],
  ],
  [
    'an Athena workgroup writing results to an S3 URI outside this app',
    (s) =>
      new athena.CfnWorkGroup(s.in('Phase1/Data-us-west-1'), 'Adhoc', {
        name: 'adhoc',
        workGroupConfiguration: { resultConfiguration: { outputLocation: 's3://analytics-results-eu/adhoc/' } },
      }),
    ['DestinationProvable'],
  ],
  [
    'a Glue job whose arguments name an S3 path outside this app',
    (s) =>
      new glue.CfnJob(s.in('Phase1/Data-us-west-1'), 'Export', {
        role: `arn:aws:iam::${ACCOUNT}:role/glue`,
        command: { name: 'glueetl', scriptLocation: 's3://shop-scripts-111111111111-us-west-1/export.py' },
        defaultArguments: { '--output_path': 's3://partner-exports/orders/' },
      }),
    ['DestinationProvable'],
  ],
  [
    'a state machine invoking a function in Ireland',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      new sfn.StateMachine(scope, 'Enrich', {
        definitionBody: sfn.DefinitionBody.fromChainable(
          new tasks.LambdaInvoke(scope, 'Call', {
            lambdaFunction: lambda.Function.fromFunctionArn(
              scope,
              'Far',
              `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:enrich`,
            ),
          }),
        ),
      });
    },
    ['DestinationProvable'],
  ],
  [
    'S3 replication to a bucket ARN a custom resource looks up',
    (s) => {
      const scope = s.in('Phase1/Data-us-west-1');
      const lookup = new CustomResource(scope, 'Resolve', {
        serviceToken: `arn:aws:lambda:us-west-1:${ACCOUNT}:function:resolver`,
      });
      new s3.CfnBucket(scope, 'Archive', {
        versioningConfiguration: { status: 'Enabled' },
        replicationConfiguration: {
          role: `arn:aws:iam::${ACCOUNT}:role/replication`,
          rules: [{ status: 'Enabled', destination: { bucket: lookup.getAttString('BucketArn') } }],
        },
      });
    },
    ['S3ReplicationDestination'],
  ],
  [
    'a container that reports errors to a SaaS endpoint (a DSN outside AWS)',
    (s) => {
      const task = new ecs.FargateTaskDefinition(s.in('Phase3/Service-ap-south-1'), 'Tracked');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        environment: { SENTRY_DSN: 'https://abc123@o4504.ingest.sentry.io/42' },
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'tracked' }),
      });
    },
    ['DestinationProvable'],
  ],
  [
    'a list of queue ARNs, one of them in Ireland',
    (s) =>
      fn(s.in('Phase1/Service-us-west-1'), 'Fanout', {
        FANOUT_QUEUE_ARNS: `arn:aws:sqs:us-west-1:${ACCOUNT}:a,arn:aws:sqs:eu-west-1:${ACCOUNT}:b`,
      }),
    ['DestinationProvable'],
  ],
  [
    'a command line that syncs to another region',
    (s) =>
      fn(s.in('Phase1/Service-us-west-1'), 'Sync', {
        SYNC_COMMAND: 'aws s3 sync /data s3://x-archive --region eu-west-1',
      }),
    ['DestinationProvable'],
  ],
  [
    "a Singapore function reading California's shop database (US rows pulled into Singapore)",
    (s) => {
      const cluster = s.data('Phase1/Data-us-west-1').databases.get('shop') as rds.DatabaseCluster;
      fn(s.in('Phase1/Service-ap-southeast-1'), 'Report', { DB_HOST: cluster.clusterEndpoint.hostname });
    },
    ['DestinationProvable'],
  ],
  [
    'a region read from a CloudFormation mapping',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      const mapping = new CfnMapping(scope, 'Replicas', { mapping: { 'us-west-1': { target: 'eu-west-1' } } });
      fn(scope, 'Mapped', { REPLICA: mapping.findInMap(Aws.REGION, 'target') });
    },
    ['DestinationProvable'],
  ],
  [
    "a narrower declaration that keeps only the rest of the world (US data laundered as '*')",
    (s) => {
      const scope = s.in('Phase1/Data-us-west-1');
      declareResidency(scope, { markets: ['*'] });
      new s3.CfnBucket(scope, 'GuestCopy');
    },
    ['DeclarationNarrowed'],
  ],
  [
    'a narrower declaration with a reason (a bucket of Singapore users only, control)',
    (s) => {
      const scope = s.in('Phase1/Data-ap-southeast-1');
      declareResidency(scope, {
        markets: ['SG'],
        reason: 'Holds exports requested by Singapore users only, keyed by their user ID.',
      });
      new s3.Bucket(scope, 'SgExports', { encryption: s3.BucketEncryption.S3_MANAGED });
    },
    [],
  ],
  [
    "a bucket added to the replication's link stack (declared to hold no personal data)",
    (s) => new s3.CfnBucket(s.in('Phase3/Link-ap-south-1'), 'Uploads'),
    ['DataStoreDeclared'],
  ],
  [
    'a Redshift cluster in a stack no phase declares',
    (s) => {
      const stack = new Stack(s.app, 'Analytics', { env: { account: ACCOUNT, region: 'us-west-2' } });
      new redshift.CfnCluster(s.in(stack), 'Warehouse', {
        clusterType: 'single-node',
        dbName: 'analytics',
        masterUsername: 'admin',
        manageMasterPassword: true,
        nodeType: 'ra3.large',
        encrypted: true,
      });
    },
    ['DataStoreDeclared'],
  ],
  [
    'an instance from the latest Amazon Linux image (an SSM parameter that names no destination, control)',
    (s) => {
      const scope = s.in('Phase3/Service-ap-south-1');
      new ec2.Instance(scope, 'Bastion', {
        vpc: s.data('Phase3/Data-ap-south-1').network.vpc,
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        requireImdsv2: true,
      });
    },
    [],
  ],
  [
    'feature flags read from SSM and a subnet imported by name (no destination, control)',
    (s) => {
      const scope = s.in('Phase1/Service-us-west-1');
      fn(scope, 'Flags', { FEATURE_FLAGS: ssm.StringParameter.valueForStringParameter(scope, '/shop/feature-flags') });
      new ec2.CfnNetworkInterface(scope, 'Eni', { subnetId: Fn.importValue('network-private-subnet-a') });
    },
    [],
  ],
  [
    "URLs of the company's own site and an S3 URI of a bucket in the same stack (control)",
    (s) => {
      const scope = s.in('Phase1/Data-us-west-1');
      new s3.Bucket(scope, 'Archive2', { bucketName: 'shop-archive-111111111111-us-west-1' });
      fn(scope, 'Links', {
        SITE_URL: 'https://www.shop.example.com',
        ARCHIVE_URI: 's3://shop-archive-111111111111-us-west-1/exports/',
        CALLBACK_HOST: 'www.shop.example.com',
      });
    },
    [],
  ],
  // --- found by a second adversarial review ------------------------------------------------
  [
    'an API Gateway method integrated with a function in Ireland (an ARN inside an ARN)',
    (s) => {
      const scope = s.in('Phase3/Service-ap-south-1');
      const api = new apigw.RestApi(scope, 'Ingest', { cloudWatchRole: false });
      api.root.addMethod(
        'POST',
        new apigw.LambdaIntegration(
          lambda.Function.fromFunctionArn(scope, 'EuFn', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:ingest`),
        ),
      );
    },
    ['DestinationProvable'],
  ],
  [
    "a CDN behaviour forwarding viewers' requests to a partner's collector",
    (s) =>
      new cloudfront.CfnDistribution(s.in('Phase1/Edge-us-east-1'), 'Collect', {
        distributionConfig: {
          enabled: true,
          defaultCacheBehavior: { targetOriginId: 'c', viewerProtocolPolicy: 'redirect-to-https' },
          origins: [
            {
              id: 'c',
              domainName: 'ingest.partner-analytics.example.net',
              customOriginConfig: { originProtocolPolicy: 'https-only' },
            },
          ],
        },
      }),
    ['CloudFrontOrigin'],
  ],
  [
    'a custom resource exporting a table to a bucket outside this app (JSON built around a token)',
    (s) => {
      const scope = s.in('Phase3/Data-ap-south-1');
      const table = new dynamodb.TableV2(scope, 'Points', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      });
      new cr.AwsCustomResource(scope, 'Export', {
        onCreate: {
          service: 'DynamoDB',
          action: 'exportTableToPointInTime',
          parameters: { TableArn: table.tableArn, S3Bucket: 'partner-exports-eu' },
          physicalResourceId: cr.PhysicalResourceId.of('export'),
        },
        policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [table.tableArn] }),
        installLatestAwsSdk: false,
      });
    },
    ['DestinationProvable'],
  ],
  [
    'an observability agent told its SaaS site by host name',
    (s) => fn(s.in('Phase3/Service-ap-south-1'), 'Observed', { DD_SITE: 'datadoghq.com' }),
    ['DestinationProvable'],
  ],
  [
    'a DNS record under our domain that points at a load balancer in Ireland',
    (s) =>
      new CfnResource(s.in('Phase3/Service-ap-south-1'), 'EuApi', {
        type: 'AWS::Route53::RecordSet',
        properties: {
          HostedZoneId: 'Z0DEMO0000000000000001',
          Name: 'api-eu.shop.example.com',
          Type: 'CNAME',
          TTL: '60',
          ResourceRecords: ['shop-alb-123.eu-west-1.elb.amazonaws.com'],
        },
      }),
    ['DestinationProvable'],
  ],
  [
    'a model called through a cross-region inference profile',
    (s) => fn(s.in('Phase3/Service-ap-south-1'), 'Assistant', { MODEL_ID: 'global.anthropic.claude-sonnet-4-v1:0' }),
    ['DestinationProvable'],
  ],
  [
    'an AppFlow flow delivering to Salesforce',
    (s) => {
      const scope = s.in('Phase3/Data-ap-south-1');
      const source = new s3.Bucket(scope, 'Leads', { encryption: s3.BucketEncryption.S3_MANAGED });
      new appflow.CfnFlow(scope, 'ToCrm', {
        flowName: 'leads-to-crm',
        triggerConfig: { triggerType: 'OnDemand' },
        sourceFlowConfig: {
          connectorType: 'S3',
          sourceConnectorProperties: { s3: { bucketName: source.bucketName, bucketPrefix: 'leads' } },
        },
        destinationFlowConfigList: [
          {
            connectorType: 'Salesforce',
            connectorProfileName: 'salesforce-prod',
            destinationConnectorProperties: { salesforce: { object: 'Lead' } },
          },
        ],
        tasks: [{ taskType: 'Map_all', sourceFields: [], connectorOperator: { s3: 'NO_OP' } }],
      });
    },
    ['AppFlowDestination'],
  ],
  [
    'a pasted endpoint of a database in California, read from Singapore',
    (s) =>
      fn(s.in('Phase1/Service-ap-southeast-1'), 'Pasted', {
        DB_ARN: `arn:aws:rds:us-west-1:${ACCOUNT}:cluster:shop-elsewhere`,
      }),
    ['DestinationProvable'],
  ],
  [
    'a log subscription to a delivery stream of another account',
    (s) =>
      new logs.CfnSubscriptionFilter(s.in('Phase3/Data-ap-south-1'), 'ToSiem', {
        logGroupName: 'app',
        filterPattern: '',
        destinationArn: 'arn:aws:firehose:ap-south-1:222222222222:deliverystream/central-siem-to-splunk',
      }),
    ['LogSubscriptionDestination'],
  ],
  [
    'a MemoryDB cluster joining a multi-Region cluster outside this app',
    (s) =>
      new memorydb.CfnCluster(s.in('Phase3/Data-ap-south-1'), 'Sessions', {
        clusterName: 'sessions-in',
        nodeType: 'db.r7g.large',
        aclName: 'open-access',
        multiRegionClusterName: 'sessions-global',
      }),
    ['GlobalDatabaseMembers'],
  ],
  [
    'an instance whose cfn-init syncs orders to another region',
    (s) =>
      new CfnResource(s.in('Phase3/Service-ap-south-1'), 'Syncer', {
        type: 'AWS::EC2::Instance',
        properties: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't4g.micro' },
      }).addMetadata('AWS::CloudFormation::Init', {
        config: { commands: { sync: { command: 'aws s3 sync /var/orders s3://partner-archive --region eu-west-1' } } },
      }),
    ['DestinationProvable'],
  ],
  [
    'a resource whose type is overridden to a bucket that replicates out',
    (s) => {
      const role = new CfnResource(s.in('Phase3/Data-ap-south-1'), 'Disguised', {
        type: 'AWS::IAM::Role',
        properties: {
          ReplicationConfiguration: {
            Role: `arn:aws:iam::${ACCOUNT}:role/r`,
            Rules: [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::eu-copy' } }],
          },
        },
      });
      role.addOverride('Type', 'AWS::S3::Bucket');
    },
    ['DestinationProvable'],
  ],
  [
    'a CDK file asset, staged in the bootstrap bucket of its region (control)',
    (s) => {
      const scope = s.in('Phase3/Service-ap-south-1');
      new lambda.LayerVersion(scope, 'Shared', {
        code: lambda.Code.fromAsset(join(__dirname, '..', 'fixtures', 'asset')),
      });
    },
    [],
  ],
  [
    'WAF IP set and CloudFront key group at the edge (control)',
    (s) => {
      const scope = s.in('Phase1/Edge-us-east-1');
      new wafv2.CfnIPSet(scope, 'Partners', {
        scope: 'CLOUDFRONT',
        ipAddressVersion: 'IPV4',
        addresses: ['192.0.2.0/24'],
      });
    },
    [],
  ],
  [
    'ECR image replication to another region (images hold no user data, control)',
    (s) =>
      new ecr.CfnReplicationConfiguration(s.in('Phase3/Service-ap-south-1'), 'Images', {
        replicationConfiguration: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }] }] },
      }),
    [],
  ],
  [
    "Singapore's rows slipped into India's transfer to Mumbai (the mapping lets SG through; the stack declares IN)",
    (s) =>
      replicationInto(
        s.in('Phase3/Transfer-ap-southeast-1'),
        'Widened',
        s.data('Phase3/Data-ap-south-1').databases.get('shop')?.clusterEndpoint.hostname as string,
        ['IN', 'SG'],
      ),
    ['DmsTableMappingScoped'],
  ],
  [
    'a replication into an endpoint named by its ARN (what it writes, and where, cannot be read)',
    (s) =>
      new dms.CfnReplicationConfig(s.in('Phase3/Transfer-ap-southeast-1'), 'ByArn', {
        replicationConfigIdentifier: 'corpus-byarn',
        replicationType: 'full-load-and-cdc',
        sourceEndpointArn: `arn:aws:dms:ap-southeast-1:${ACCOUNT}:endpoint:source`,
        targetEndpointArn: `arn:aws:dms:ap-southeast-1:${ACCOUNT}:endpoint:elsewhere`,
        computeConfig: { maxCapacityUnits: 4 },
        tableMappings: { rules: [selection('1', 'shop', 'orders', 'include', ['IN'])] },
      }),
    ['DmsTableMappingScoped'],
  ],
  [
    "India's rows only, from Singapore into Mumbai's shop database (control)",
    (s) =>
      replicationInto(
        s.in('Phase3/Transfer-ap-southeast-1'),
        'IndiaOnly',
        s.data('Phase3/Data-ap-south-1').databases.get('shop')?.clusterEndpoint.hostname as string,
        ['IN'],
      ),
    [],
  ],
  [
    "Indian rows let into the Brazilian provider's database",
    (s) =>
      replicationInto(s.in('Phase3/Site-br-sao-paulo'), 'IndiaToBrazil', 'db.br-sp.partner.example.net', ['BR', 'IN']),
    ['DmsTableMappingScoped'],
  ],
  [
    "Brazil's rows into a provider host the plan does not name as its database",
    (s) => replicationInto(s.in('Phase3/Site-br-sao-paulo'), 'OtherHost', 'db2.br-sp.partner.example.net', ['BR']),
    ['DmsTarget'],
  ],
  [
    "Brazil's rows into the database the plan names for its provider site (control)",
    (s) => replicationInto(s.in('Phase3/Site-br-sao-paulo'), 'BrazilOnly', 'db.br-sp.partner.example.net', ['BR']),
    [],
  ],
  [
    "a task on the provider's hosts shipping its logs to Singapore with awslogs",
    (s) => {
      const task = new ecs.ExternalTaskDefinition(s.in('Phase3/Site-br-sao-paulo'), 'Chatty');
      task.addContainer('App', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27-alpine'),
        memoryLimitMiB: 512,
        logging: new ecs.GenericLogDriver({
          logDriver: 'awslogs',
          options: { 'awslogs-region': 'ap-southeast-1', 'awslogs-group': 'provider-app' },
        }),
      });
    },
    ['ContainerLogDestination'],
  ],
];

/** A stack of the case's own in phase 3's stage; no phase declares it, so a case declares its scope. */
function laterStack(s: Scene, id: string, region: string, props: Partial<StackProps> = {}): Stack {
  return new Stack(s.stage('Phase3'), `Corpus${id}`, { env: { account: ACCOUNT, region }, ...props });
}

/**
 * Two stacks of phase 3 passing values with CDK's strong cross-region references: an Aurora
 * cluster of India's in Mumbai, and a scope in Singapore declared for `markets` that receives them.
 */
function crossRegionPair(s: Scene, id: string, markets = ['IN']): { cluster: rds.CfnDBCluster; migrate: Construct } {
  const producer = laterStack(s, `${id}Data-ap-south-1`, 'ap-south-1', { crossRegionReferences: true });
  const consumer = laterStack(s, `${id}Migrate-ap-southeast-1`, 'ap-southeast-1', { crossRegionReferences: true });
  // cdk.json makes references weak (Fn::GetStackOutput); CDK writes its SSM parameters only for strong ones.
  CrossStackReferences.of(consumer).consume(ReferenceStrength.STRONG);
  const data = s.in(producer);
  declareResidency(data, { markets: ['IN'] });
  const cluster = new rds.CfnDBCluster(data, 'Orders', { engine: 'aurora-postgresql', storageEncrypted: true });
  const migrate = s.in(consumer);
  declareResidency(migrate, { markets });
  return { cluster, migrate };
}

/** A DMS target endpoint writing into the Aurora PostgreSQL host `serverName`. */
function dmsTarget(scope: Construct, id: string, serverName: string): dms.CfnEndpoint {
  return new dms.CfnEndpoint(scope, id, {
    endpointType: 'target',
    engineName: 'aurora-postgresql',
    serverName,
    port: 5432,
    databaseName: 'shop',
  });
}

/** A target endpoint at `serverName` and a replication into it of the markets' rows of one table. */
function replicationInto(scope: Construct, id: string, serverName: string, markets: string[]): void {
  const target = dmsTarget(scope, `${id}Target`, serverName);
  new dms.CfnReplicationConfig(scope, id, {
    replicationConfigIdentifier: `corpus-${id.toLowerCase()}`,
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: `arn:aws:dms:${Stack.of(scope).region}:${ACCOUNT}:endpoint:source`,
    targetEndpointArn: target.ref,
    computeConfig: { maxCapacityUnits: 4 },
    tableMappings: { rules: [selection('1', 'shop', 'orders', 'include', markets)] },
  });
}

/** A small function with the given environment. */
function fn(scope: Construct, id: string, environment: Record<string, string>): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment,
  });
}

/** A DMS Serverless replication with the given selection rules, into an Aurora host in Singapore. */
function replication(scope: Construct, id: string, rules: object[]): void {
  const target = dmsTarget(scope, `${id}Target`, `${id.toLowerCase()}.cluster-abc.ap-southeast-1.rds.amazonaws.com`);
  new dms.CfnReplicationConfig(scope, id, {
    replicationConfigIdentifier: `corpus-${id.toLowerCase()}`,
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: `arn:aws:dms:ap-southeast-1:${ACCOUNT}:endpoint:legacy`,
    targetEndpointArn: target.ref,
    computeConfig: { maxCapacityUnits: 4 },
    tableMappings: { rules },
  });
}

function selection(id: string, schema: string, table: string, action: string, markets: string[]): object {
  return {
    'rule-type': 'selection',
    'rule-id': id,
    'rule-name': `r${id}`,
    'object-locator': { 'schema-name': schema, 'table-name': table },
    'rule-action': action,
    filters: [
      {
        'filter-type': 'source',
        'column-name': plan.platform.legacy.database.marketColumn,
        'filter-conditions': markets.map((value) => ({ 'filter-operator': 'eq', value })),
      },
    ],
  };
}

interface Violation {
  readonly rule: string;
  readonly finding: string;
  readonly path: string;
}

let violations: Violation[];
const scopes = new Map<number, string[]>();
let corpusApp: App;

beforeAll(() => {
  // GIVEN the app exactly as `cdk synth` builds it
  const app = new App({ context: cdkJsonContext() });
  corpusApp = app;
  const stages = buildMigrationApp(app, plan, { environment: plan.platform.defaultEnvironment, phases: PHASES });
  const stackAt = (path: string) => {
    const [stage, id] = path.split('/');
    const found = stages.find((s) => s.node.id === stage)?.node.tryFindChild(id);
    if (!(found instanceof Stack)) throw new Error(`no stack ${path}`);
    return found;
  };
  // WHEN every case adds its change under its own scope
  CASES.forEach(([, build], i) => {
    const caseId = `Case${String(i).padStart(2, '0')}`;
    const made = new Map<string, Construct>();
    build({
      app,
      stack: stackAt,
      data: (path) => stackAt(path) as DataStack,
      stage: (id) => {
        const found = stages.find((s) => s.node.id === id);
        if (!found) throw new Error(`no stage ${id}`);
        return found;
      },
      in: (at) => {
        const stack = typeof at === 'string' ? stackAt(at) : at;
        const scope = made.get(stack.node.path) ?? new Construct(stack, caseId);
        made.set(stack.node.path, scope);
        return scope;
      },
    });
    scopes.set(
      i,
      [...made.values()].map((s) => `${s.node.path}/`),
    );
  });
  try {
    app.synth();
  } catch (error) {
    // Validation errors throw after the report is written; the report is what we read.
    if (!/Validation ?failed/i.test(String(error))) throw error;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      pluginName: string;
      violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    }[];
  };
  violations = report.pluginReports
    .filter((p) => p.pluginName === 'DataResidency')
    .flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => ({
          rule: v.ruleName.replace(/^DataResidency-/, '').replace(/\[.*$/, ''),
          finding: v.ruleName,
          path: c.constructPath,
        })),
      ),
    );
});

describe('the residency corpus, through the real app and cdk.json context', () => {
  test('has at least 40 cases, violations and controls', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(CASES.filter(([, , rules]) => rules.length === 0).length).toBeGreaterThanOrEqual(12);
  });

  test.each(CASES.map(([name, , rules], i) => [name, i, rules] as const))('%s', (_name, i, rules) => {
    const mine = violations.filter((v) => (scopes.get(i) ?? []).some((p) => v.path.startsWith(p)));
    expect([...new Set(mine.map((v) => v.rule))].sort()).toEqual([...rules].sort());
  });

  test('in a synth the pack reads the templates the CDK wrote; outside one it renders each resource: both find the same', () => {
    // The synth's report came from the written templates; validateScope has none and renders.
    const rendered = new DataResidencyChecks(undefined, { plan })
      .validateScope(corpusApp)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(rendered.length).toBeGreaterThan(40);
    expect(rendered.sort()).toEqual(violations.map((v) => `${v.finding} ${v.path}`).sort());
  });

  test('nothing outside the cases is reported (the real app stays clean, no case leaks)', () => {
    const all = [...scopes.values()].flat();
    const stray = violations.filter((v) => !all.some((p) => v.path.startsWith(p)));
    expect(stray).toEqual([]);
  });

  test('findings name the market, where the data goes (or that it cannot be proven), and the property', () => {
    expect(violations.map((v) => v.finding)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /S3ReplicationDestination\[market=US;replicated-to=ap-southeast-1;via=ReplicationConfiguration\.Rules\.0\.Destination\.Bucket;allowed=us-west-1,us-west-2,bj-legacy\]/,
        ),
        expect.stringMatching(
          /S3ReplicationDestination\[market=IN;replicated-to=unprovable:parameter-\w+;via=ReplicationConfiguration/,
        ),
        expect.stringMatching(
          /DestinationProvable\[market=US;sends-to=unprovable:parameter-\w+;via=Environment\.Variables\.EXPORT_QUEUE_URL/,
        ),
        expect.stringMatching(
          /ContainerLogDestination\[market=IN;logs-shipped-to=us-east-1;via=ContainerDefinitions\.0\.LogConfiguration\.Options\.awslogs-region;allowed=ap-south-1,ap-southeast-1,us-west-1,bj-legacy\]/,
        ),
      ]),
    );
  });
});
