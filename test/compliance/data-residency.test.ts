import { App, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataResidencyChecks, RESIDENCY_RULES } from '../../lib/compliance/residency/data-residency-checks';
import { declareResidency } from '../../lib/compliance/residency/residency-tags';
import { marketScopedTableMappings } from '../../lib/constructs/market-scoped-table-mappings';
import { buildMigrationApp } from '../../lib/migration-app';
import { cdkJsonContext, defaultPlan } from '../support/harness';

const plan = defaultPlan();
const ACCOUNT = '111111111111';

/** A stack in a region, declared to hold some markets' data (or none, or undeclared). */
function stackIn(app: App, id: string, region: string, markets?: string[] | 'none'): Stack {
  const stack = new Stack(app, id, { env: { account: ACCOUNT, region } });
  if (markets) declareResidency(stack, { markets });
  return stack;
}

const DECLARED = plan.platform.markets.map((m) => m.code);

/** A DMS Serverless replication from the legacy database with the given table mappings. */
function replicationIn(stack: Stack, tableMappings: object): void {
  new dms.CfnReplicationConfig(stack, 'Replication', {
    replicationConfigIdentifier: 'shop',
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: `arn:aws:dms:${stack.region}:${ACCOUNT}:endpoint:legacy`,
    targetEndpointArn: `arn:aws:dms:${stack.region}:${ACCOUNT}:endpoint:aurora`,
    computeConfig: { maxCapacityUnits: 4 },
    tableMappings,
  });
}

/** Synthesizes an app; returns the failure message, or '' when synth passes. */
function failureOf(app: App): string {
  try {
    app.synth();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Synthesizes what `build` adds to an app that runs only the residency pack. */
function synthFailure(build: (app: App) => void): string {
  const app = new App();
  Validations.of(app).addPlugins(new DataResidencyChecks(app, { plan }));
  build(app);
  return failureOf(app);
}

describe('DataResidencyChecks: every seeded violation fails synth, naming resource, market and location', () => {
  test.each<[string, (app: App) => void, RegExp[]]>([
    [
      'a database in a region its market forbids',
      (app) =>
        new rds.CfnDBCluster(stackIn(app, 'Frankfurt', 'eu-central-1', ['IN']), 'Orders', {
          engine: 'aurora-postgresql',
        }),
      [
        /DataResidency-DataStoreLocation\[market=IN;stored-in=eu-central-1;allowed=ap-south-1,ap-southeast-1,us-west-1,bj-legacy\]/,
        /Frankfurt\/Orders/,
      ],
    ],
    [
      'a market added to a location it may not use (China in California)',
      (app) => new s3.CfnBucket(stackIn(app, 'California', 'us-west-1', ['US', 'CN']), 'Receipts'),
      [/DataStoreLocation\[market=CN;stored-in=us-west-1;allowed=bj-legacy\]/, /California\/Receipts/],
    ],
    [
      'a user pool for CN outside China',
      (app) => new cognito.CfnUserPool(stackIn(app, 'Singapore', 'ap-southeast-1', ['CN']), 'Users'),
      [/DataStoreLocation\[market=CN;stored-in=ap-southeast-1;allowed=bj-legacy\]/, /Singapore\/Users/],
    ],
    [
      'a store of a market with nowhere to live yet (Russia)',
      (app) =>
        new dynamodb.CfnTable(stackIn(app, 'Oregon', 'us-west-2', ['RU']), 'Carts', {
          keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
          attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
          billingMode: 'PAY_PER_REQUEST',
        }),
      [/DataStoreLocation\[market=RU;stored-in=us-west-2;allowed=nowhere-yet\]/, /Oregon\/Carts/],
    ],
    [
      'a replication rule to a bucket whose region cannot be proven',
      (app) => {
        const stack = stackIn(app, 'Singapore', 'ap-southeast-1', ['SG']);
        new s3.CfnBucket(stack, 'Photos', {
          versioningConfiguration: { status: 'Enabled' },
          replicationConfiguration: {
            role: `arn:aws:iam::${ACCOUNT}:role/replication`,
            rules: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::photos-copy-elsewhere' } }],
          },
        });
      },
      [
        /S3ReplicationDestination\[market=SG;replicated-to=unknown-region;allowed=ap-southeast-1,us-west-1,bj-legacy\]/,
        /Singapore\/Photos/,
      ],
    ],
    [
      'a multi-region key',
      (app) => new kms.CfnKey(stackIn(app, 'California', 'us-west-1', ['US']), 'DataKey', { multiRegion: true }),
      [
        /MultiRegionKey\[market=US;multi-region-key-in=us-west-1;allowed=us-west-1,us-west-2,bj-legacy\]/,
        /California\/DataKey/,
      ],
    ],
    [
      'a backup copy abroad',
      (app) =>
        new backup.CfnBackupPlan(stackIn(app, 'Mumbai', 'ap-south-1', ['IN']), 'Nightly', {
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
      [
        /BackupCopyDestination\[market=IN;backup-copied-to=eu-west-1;allowed=ap-south-1,ap-southeast-1,us-west-1,bj-legacy\]/,
        /Mumbai\/Nightly/,
      ],
    ],
    [
      'a log subscription to another region',
      (app) =>
        new logs.CfnSubscriptionFilter(stackIn(app, 'Singapore', 'ap-southeast-1', ['SG']), 'ShipLogs', {
          logGroupName: 'app',
          filterPattern: '',
          destinationArn: `arn:aws:kinesis:us-west-2:${ACCOUNT}:stream/central-logs`,
        }),
      [
        /LogSubscriptionDestination\[market=SG;logs-shipped-to=us-west-2;allowed=ap-southeast-1,us-west-1,bj-legacy\]/,
        /Singapore\/ShipLogs/,
      ],
    ],
    [
      'a DynamoDB global table replica in another jurisdiction',
      (app) =>
        new dynamodb.CfnGlobalTable(stackIn(app, 'California', 'us-west-1', ['US']), 'Sessions', {
          keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
          attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
          billingMode: 'PAY_PER_REQUEST',
          replicas: [{ region: 'us-west-1' }, { region: 'eu-west-1' }],
        }),
      [
        /DynamoDbReplicaRegion\[market=US;replicated-to=eu-west-1;allowed=us-west-1,us-west-2,bj-legacy\]/,
        /California\/Sessions/,
      ],
    ],
    [
      'an Aurora global database with a member abroad',
      (app) => {
        new rds.CfnDBCluster(stackIn(app, 'California', 'us-west-1', ['US']), 'Orders', {
          engine: 'aurora-postgresql',
          globalClusterIdentifier: 'orders-global',
        });
        new rds.CfnDBCluster(stackIn(app, 'Singapore', 'ap-southeast-1', ['SG']), 'Orders', {
          engine: 'aurora-postgresql',
          globalClusterIdentifier: 'orders-global',
        });
      },
      [
        /AuroraGlobalCluster\[market=US;global-database-orders-global-member-in=ap-southeast-1;allowed=us-west-1,us-west-2,bj-legacy\]/,
        /California\/Orders/,
      ],
    ],
    [
      'a Firehose stream delivering to a destination outside AWS',
      (app) =>
        new firehose.CfnDeliveryStream(stackIn(app, 'Mumbai', 'ap-south-1', ['IN']), 'Clickstream', {
          httpEndpointDestinationConfiguration: {
            endpointConfiguration: { url: 'https://collector.analytics.example.net' },
            s3Configuration: { bucketArn: 'arn:aws:s3:::backup', roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose` },
          },
        }),
      [
        /FirehoseDestination\[market=IN;delivered-via-HttpEndpoint-to=unknown-region;allowed=ap-south-1,ap-southeast-1,us-west-1,bj-legacy\]/,
        /Mumbai\/Clickstream/,
      ],
    ],
    [
      'a DMS target database in another region',
      (app) =>
        new dms.CfnEndpoint(stackIn(app, 'Mumbai', 'ap-south-1', ['IN']), 'Target', {
          endpointType: 'target',
          engineName: 'aurora-postgresql',
          serverName: 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com',
          port: 5432,
          databaseName: 'orders',
        }),
      [
        /DmsTarget\[market=IN;migrated-to=eu-west-1;allowed=ap-south-1,ap-southeast-1,us-west-1,bj-legacy\]/,
        /Mumbai\/Target/,
      ],
    ],
    [
      'CloudFront logs in California with no geo restriction (Chinese viewers logged in the US)',
      (app) =>
        new cloudfront.CfnDistribution(stackIn(app, 'Edge', 'us-east-1', 'none'), 'Site', {
          distributionConfig: {
            enabled: true,
            logging: { bucket: 'cdn-logs.s3.us-west-1.amazonaws.com' },
            defaultCacheBehavior: { targetOriginId: 'pages', viewerProtocolPolicy: 'redirect-to-https' },
            origins: [
              {
                id: 'pages',
                domainName: 'pages.example.com',
                customOriginConfig: { originProtocolPolicy: 'https-only' },
              },
            ],
          },
        }),
      [
        /CloudFrontLogBucket\[market=CN;viewer-logs-in=us-west-1;allowed=bj-legacy\]/,
        /CloudFrontLogBucket\[market=RU;viewer-logs-in=us-west-1;allowed=nowhere-yet\]/,
        /Edge\/Site/,
      ],
    ],
    [
      "a replication from legacy that copies every market's rows (no market filter)",
      (app) =>
        replicationIn(stackIn(app, 'California', 'us-west-1', ['US', '*']), {
          rules: [
            {
              'rule-type': 'selection',
              'rule-id': '1',
              'rule-name': 'all',
              'object-locator': { 'schema-name': 'shop', 'table-name': '%' },
              'rule-action': 'include',
            },
          ],
        }),
      [
        /DmsTableMappingScoped\[market=CN;replicated-from-legacy-to=us-west-1;allowed=bj-legacy\]/,
        /DmsTableMappingScoped\[market=RU;replicated-from-legacy-to=us-west-1;allowed=nowhere-yet\]/,
        /California\/Replication/,
      ],
    ],
    [
      'a replication into Singapore that includes Chinese rows',
      (app) =>
        replicationIn(
          stackIn(app, 'Singapore', 'ap-southeast-1', ['SG', 'CN']),
          marketScopedTableMappings({
            schema: 'shop',
            marketColumn: 'market_code',
            markets: ['SG', 'CN'],
            declaredMarkets: DECLARED,
          }),
        ),
      [
        /DmsTableMappingScoped\[market=CN;replicated-from-legacy-to=ap-southeast-1;allowed=bj-legacy\]/,
        /Singapore\/Replication/,
      ],
    ],
    [
      'a data store with no markets tag',
      (app) => new s3.CfnBucket(stackIn(app, 'California', 'us-west-1'), 'Untagged'),
      [/DataResidency-DataStoreTagged/, /California\/Untagged/],
    ],
    [
      'a table at the edge',
      (app) =>
        new dynamodb.CfnTable(stackIn(app, 'Edge', 'us-east-1', 'none'), 'Sessions', {
          keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
          attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
          billingMode: 'PAY_PER_REQUEST',
        }),
      [/EdgeHoldsNoPersonalData\[type=AWS::DynamoDB::Table;not-an-edge-resource\]/, /Edge\/Sessions/],
    ],
    [
      'personal data at the edge',
      (app) => new s3.CfnBucket(stackIn(app, 'Edge', 'us-east-1', ['US']), 'Uploads'),
      [
        /EdgeHoldsNoPersonalData\[market=US;stored-at-edge-in=us-east-1;allowed=us-west-1,us-west-2,bj-legacy\]/,
        /Edge\/Uploads/,
      ],
    ],
  ])('fails if there is %s', (_name, build, expected) => {
    // WHEN
    const failure = synthFailure(build);
    // THEN
    for (const pattern of expected) expect(failure).toMatch(pattern);
  });

  test.each<[string, (app: App) => void]>([
    [
      'a store where its markets allow',
      (app) =>
        new rds.CfnDBCluster(stackIn(app, 'Mumbai', 'ap-south-1', ['IN']), 'Orders', { engine: 'aurora-postgresql' }),
    ],
    [
      'a replication scoped to the markets the location serves, rest of the world included',
      (app) =>
        replicationIn(
          stackIn(app, 'California', 'us-west-1', ['US', '*']),
          marketScopedTableMappings({
            schema: 'shop',
            marketColumn: 'market_code',
            markets: ['US', '*'],
            declaredMarkets: DECLARED,
          }),
        ),
    ],
    [
      'public pages at the edge declared as no personal data',
      (app) => new s3.CfnBucket(stackIn(app, 'Edge', 'us-east-1', 'none'), 'Pages'),
    ],
    [
      'replication inside the same region',
      (app) => {
        const stack = stackIn(app, 'Singapore', 'ap-southeast-1', ['SG']);
        const copy = new s3.CfnBucket(stack, 'Copy', { versioningConfiguration: { status: 'Enabled' } });
        new s3.CfnBucket(stack, 'Photos', {
          versioningConfiguration: { status: 'Enabled' },
          replicationConfiguration: {
            role: `arn:aws:iam::${ACCOUNT}:role/r`,
            rules: [{ status: 'Enabled', destination: { bucket: copy.attrArn } }],
          },
        });
      },
    ],
  ])('passes %s (control: the rules do not fire on everything)', (_name, build) => {
    expect(synthFailure(build)).toBe('');
  });

  test('has one rule per file, each with an explanation', () => {
    expect(RESIDENCY_RULES.length).toBeGreaterThanOrEqual(12);
    for (const rule of RESIDENCY_RULES) expect(rule.explanation.length).toBeGreaterThan(40);
  });
});

describe('DataResidencyChecks on the migration app', () => {
  test('a violation added to a real phase stack fails the real app synth', () => {
    // GIVEN the real app
    const app = new App({ context: cdkJsonContext() });
    const [phase1] = buildMigrationApp(app, plan, { environment: 'demo', phases: [1] });
    // WHEN a multi-region key appears in Singapore's data stack
    new kms.Key(phase1.node.findChild('Data-ap-southeast-1'), 'SharedKey', {
      multiRegion: true,
      enableKeyRotation: true,
    });
    // THEN synth fails naming it, with the markets it holds
    const failure = failureOf(app);
    expect(failure).toMatch(/Phase1\/Data-ap-southeast-1\/SharedKey/);
    expect(failure).toMatch(/DataResidency-MultiRegionKey\[market=IN;multi-region-key-in=ap-southeast-1;allowed=/);
  });
});
