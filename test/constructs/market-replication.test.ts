import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MarketReplication, type ReplicatedDatabase } from '../../lib/constructs/market-replication';
import { cdkJsonContext } from '../support/harness';

const end = (serverName: string): ReplicatedDatabase => ({
  engine: 'postgres',
  serverName,
  port: 5432,
  databaseName: 'shop',
  reach: [ec2.Peer.ipv4('10.0.0.0/16')],
  description: serverName,
});

/** The replication config of a replication of `markets`' rows of `tables`, as synthesized. */
function replicationOf(
  markets: string[],
  tables = ['orders'],
  options: { truncateBeforeLoad?: boolean; stackTag?: string } = {},
): { logicalId: string; identifier: string; settings: unknown; tags: unknown } {
  // The subject is the construct's output; the whole app's synth validates every real instance.
  const app = new App({ builtinCloudFormationValidation: false, context: cdkJsonContext() });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'ap-southeast-1' } });
  new MarketReplication(stack, 'Replication', {
    vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }),
    subnetIds: ['subnet-1', 'subnet-2'],
    encryptionKey: new kms.Key(stack, 'Key'),
    source: end('db.legacy.example.com'),
    target: end('db.target.example.com'),
    schema: 'shop',
    tables,
    marketColumn: 'market_code',
    markets,
    declaredMarkets: ['SG', 'IN', 'CN'],
    identifier: 'migration-p1-commerce-data-ap-southeast-1-shop',
    truncateBeforeLoad: options.truncateBeforeLoad,
  });
  // What a residency declaration adds to everything in its stack, at the priority it uses.
  if (options.stackTag) Tags.of(stack).add('residency:markets', options.stackTag, { priority: 102 });
  const [logicalId, config] = Object.entries(Template.fromStack(stack).findResources('AWS::DMS::ReplicationConfig'))[0];
  return {
    logicalId,
    identifier: config.Properties.ReplicationConfigIdentifier,
    settings: config.Properties.ReplicationSettings,
    tags: config.Properties.Tags,
  };
}

describe('MarketReplication', () => {
  test('a change of markets or tables is a new replication (DMS refuses to modify one once started)', () => {
    const before = replicationOf(['SG', 'IN']);
    // THEN the same inputs give the same replication, and any change a new logical ID and identifier
    expect(replicationOf(['SG', 'IN'])).toEqual(before);
    for (const changed of [replicationOf(['SG']), replicationOf(['SG', 'IN'], ['orders', 'carts'])]) {
      expect(changed.logicalId).not.toBe(before.logicalId);
      expect(changed.identifier).not.toBe(before.identifier);
      expect(changed.identifier).toMatch(/^migration-p1-commerce-data-ap-southeast-1-shop-[0-9a-f]{6}$/);
    }
  });

  test('a full load never drops or truncates the target tables', () => {
    expect(replicationOf(['SG']).settings).toMatchObject({ FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' } });
  });

  test('truncates the target tables first only when told to (a replacement while nobody uses the target)', () => {
    const truncating = replicationOf(['SG'], ['orders'], { truncateBeforeLoad: true });
    expect(truncating.settings).toMatchObject({ FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } });
    // and that is a new replication too: its settings are part of its identity
    expect(truncating.identifier).not.toBe(replicationOf(['SG']).identifier);
  });

  test('takes no tag from above, so a new tag never modifies a started replication', () => {
    // GIVEN the stack's residency tag, WHEN it changes (a market declared beside the others)
    const [before, after] = ['SG IN', 'SG IN VN'].map((tag) =>
      replicationOf(['SG', 'IN'], ['orders'], { stackTag: tag }),
    );
    // THEN the replication keeps only its own tag, the same before and after
    expect(before.tags).toEqual([
      { Key: 'migration:requires', Value: { 'Fn::ImportValue': 'migration-requires-dms-vpc-role' } },
    ]);
    expect(after).toEqual(before);
  });
});
