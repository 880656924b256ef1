import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import {
  type AssemblyComparison,
  compareAssemblies,
  comparisonExitCode,
  differingPaths,
  referencesIn,
} from '../../lib/report/compare';
import { type ResourceSchemas, resourceSchemasFrom } from '../../lib/report/resource-schemas';
import { CLUSTER, DATA_TEMPLATE, type Json, PHASE1_MANIFEST, small, smallWith } from './fixture';

let schemas: ResourceSchemas;
beforeAll(() => {
  schemas = resourceSchemasFrom(loadAwsServiceSpecSync());
});

const CLUSTER_PATH = 'Phase1/Data-us-west-1/ShopDatabase/Cluster/Resource';
const props = (id: string) => (json: Json) => json.Resources[id].Properties;
const setProperty = (id: string, name: string, value: unknown) => (json: Json) => {
  props(id)(json)[name] = value;
};

/** The fixture against an edited copy of itself. */
function compareWith(edits: Parameters<typeof smallWith>[0]): AssemblyComparison {
  return compareAssemblies(small(), smallWith(edits), schemas);
}

const change = (comparison: AssemblyComparison, logicalId: string) =>
  comparison.resources.find((r) => r.logicalId === logicalId);

describe('compareAssemblies', () => {
  test('an unchanged assembly has no change and exits 0', () => {
    const comparison = compareAssemblies(small(), small(), schemas);
    expect(comparison.resources).toEqual([]);
    expect(comparison.stacks).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test.each<[string, Parameters<typeof smallWith>[0], string]>([
    ['a longer backup retention', { [DATA_TEMPLATE]: setProperty(CLUSTER, 'BackupRetentionPeriod', 21) }, CLUSTER],
    ['a longer log retention', { [DATA_TEMPLATE]: setProperty('ShopLogs', 'RetentionInDays', 731) }, 'ShopLogs'],
    ['a new engine version', { [DATA_TEMPLATE]: setProperty(CLUSTER, 'EngineVersion', '17.5') }, CLUSTER],
  ])('%s updates in place and exits 0', (_name, edits, logicalId) => {
    // WHEN
    const comparison = compareWith(edits);
    // THEN
    expect(change(comparison, logicalId)?.kind).toBe('modified');
    expect(comparison.dataAtRisk).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test("fails (exit 2) if a cluster's create-only property changes, naming the cluster and what follows from it", () => {
    // GIVEN DatabaseName, create-only in AWS::RDS::DBCluster's schema
    const comparison = compareWith({ [DATA_TEMPLATE]: setProperty(CLUSTER, 'DatabaseName', 'orders') });
    // THEN the cluster is replaced, and so is its writer, whose create-only DBClusterIdentifier refers to it
    expect(change(comparison, CLUSTER)).toMatchObject({
      kind: 'replaced',
      stateful: true,
      constructPath: CLUSTER_PATH,
      reasons: expect.arrayContaining([
        expect.stringMatching(/^DatabaseName changed \(create-only/),
        expect.stringMatching(/^UpdateReplacePolicy Snapshot/),
      ]),
    });
    expect(change(comparison, 'ShopDatabaseClusterWriter920CDC41')).toMatchObject({
      kind: 'replaced',
      reasons: [
        expect.stringMatching(new RegExp(`^DBClusterIdentifier refers to ${CLUSTER}, which is replaced`)),
        expect.anything(),
      ],
    });
    expect(comparison.dataAtRisk).toEqual(
      expect.arrayContaining([expect.stringContaining(`${CLUSTER_PATH} (AWS::RDS::DBCluster) replaced`)]),
    );
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('fails if a database construct is renamed: a new path and logical ID are a removal and an empty new cluster', () => {
    // GIVEN ShopDatabase renamed to OrdersDatabase (path and logical ID change together)
    const comparison = compareWith({
      [DATA_TEMPLATE]: (json) => {
        const cluster = json.Resources[CLUSTER];
        cluster.Metadata['aws:cdk:path'] = 'Phase1/Data-us-west-1/OrdersDatabase/Cluster/Resource';
        json.Resources.OrdersDatabaseCluster1A2B3C4D = cluster;
        delete json.Resources[CLUSTER];
        json.Resources.ShopDatabaseClusterWriter920CDC41.Properties.DBClusterIdentifier = {
          Ref: 'OrdersDatabaseCluster1A2B3C4D',
        };
        json.Outputs.ClusterEndpoint.Value = { 'Fn::GetAtt': ['OrdersDatabaseCluster1A2B3C4D', 'Endpoint.Address'] };
      },
    });
    // THEN
    expect(change(comparison, CLUSTER)).toMatchObject({
      kind: 'removed',
      reasons: expect.arrayContaining([
        expect.stringMatching(/^DeletionPolicy Snapshot/),
        expect.stringMatching(/renamed to Phase1\/Data-us-west-1\/OrdersDatabase\/Cluster\/Resource\?/),
      ]),
    });
    expect(change(comparison, 'OrdersDatabaseCluster1A2B3C4D')?.kind).toBe('added');
    expect(comparison.dataAtRisk.join('\n')).toMatch(/ShopDatabase\/Cluster\/Resource \(AWS::RDS::DBCluster\) removed/);
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('fails if a resource gets a new logical ID for the same construct path', () => {
    // GIVEN an overridden logical ID (the construct path stays)
    const comparison = compareWith({
      [DATA_TEMPLATE]: (json) => {
        json.Resources.ShopLogsRenamed = json.Resources.ShopLogs;
        delete json.Resources.ShopLogs;
      },
    });
    // THEN
    expect(change(comparison, 'ShopLogs')).toMatchObject({
      kind: 'replaced',
      newLogicalId: 'ShopLogsRenamed',
      reasons: [
        expect.stringMatching(/^new logical ID ShopLogsRenamed/),
        expect.stringMatching(/^DeletionPolicy Retain/),
      ],
    });
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('fails if a replaced resource changes the value of a create-only property that refers to it', () => {
    // GIVEN the subnet group's create-only name changes: the group is replaced, and the cluster's
    // DBSubnetGroupName, { Ref: SubnetGroup }, reads the same in the template but not at deploy
    const comparison = compareWith({
      [DATA_TEMPLATE]: setProperty('SubnetGroup', 'DBSubnetGroupName', 'shop-subnets-2'),
    });
    // THEN
    expect(change(comparison, 'SubnetGroup')).toMatchObject({ kind: 'replaced', stateful: false });
    expect(change(comparison, CLUSTER)).toMatchObject({
      kind: 'replaced',
      reasons: expect.arrayContaining([
        expect.stringMatching(/^DBSubnetGroupName refers to SubnetGroup, which is replaced/),
      ]),
    });
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('a property that replaces only in some cases is flagged, without exit 2', () => {
    // GIVEN Engine, "maybe" in the schema (a minor engine change updates in place)
    const comparison = compareWith({ [DATA_TEMPLATE]: setProperty(CLUSTER, 'Engine', 'aurora-mysql') });
    // THEN
    expect(change(comparison, CLUSTER)?.kind).toBe('may be replaced');
    expect(comparison.dataPossiblyAtRisk.join('\n')).toMatch(/ShopDatabase\/Cluster\/Resource/);
    expect(comparison.dataAtRisk.filter((d) => d.includes(CLUSTER_PATH))).toEqual([]);
  });

  test('fails if a stateful resource is removed, saying what its DeletionPolicy does', () => {
    const comparison = compareWith({
      [DATA_TEMPLATE]: (json) => {
        delete json.Resources.ShopLogs;
      },
    });
    expect(change(comparison, 'ShopLogs')).toMatchObject({
      kind: 'removed',
      reasons: ['no longer in the template', expect.stringMatching(/^DeletionPolicy Retain: the old one stays/)],
    });
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('a removed stack is listed with what it holds, without exit 2 (cdk deploy never deletes a stack)', () => {
    const comparison = compareWith({
      [PHASE1_MANIFEST]: (json) => {
        delete json.artifacts.Phase1Serviceuswest1289973CC;
      },
    });
    expect(comparison.stacks).toEqual([
      expect.objectContaining({
        kind: 'removed',
        renamedTo: undefined,
        statefulResources: ['Phase1/Service-us-west-1/Shop/ContainerLogs/Resource (AWS::Logs::LogGroup)'],
      }),
    ]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test('fails if a stack is renamed: CloudFormation sees a new stack, whose stores start empty', () => {
    const comparison = compareWith({
      [PHASE1_MANIFEST]: (json) => {
        json.artifacts.Phase1Datauswest15E991A1A.properties.stackName = 'migration-p1-shop-data-us-west-1';
      },
    });
    expect(comparison.stacks.map((s) => [s.kind, s.stack.stackName])).toEqual([
      ['removed', 'migration-p1-commerce-data-us-west-1'],
      ['added', 'migration-p1-shop-data-us-west-1'],
    ]);
    expect(comparison.dataAtRisk.join('\n')).toMatch(
      /ShopDatabase\/Cluster\/Resource \(AWS::RDS::DBCluster\) created anew in migration-p1-shop-data-us-west-1/,
    );
    expect(comparisonExitCode(comparison)).toBe(2);
  });
});

describe('differingPaths and referencesIn', () => {
  test('paths go down to the differing leaf; an intrinsic function is one value', () => {
    expect(
      differingPaths({ A: { B: [1, 2], C: 'x' }, D: { Ref: 'X' } }, { A: { B: [1, 3], C: 'x' }, D: { Ref: 'Y' } }),
    ).toEqual([['A', 'B', 1], ['D']]);
    expect(differingPaths({ L: [1] }, { L: [1, 2] })).toEqual([['L']]);
  });

  test('references are found with where they sit, in Ref, GetAtt and Sub', () => {
    expect(
      referencesIn({
        A: { Ref: 'Key' },
        B: [{ 'Fn::GetAtt': ['Cluster', 'Arn'] }],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
        C: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' },
      }),
    ).toEqual([
      { path: ['A'], target: 'Key' },
      { path: ['B', 0], target: 'Cluster' },
      { path: ['C'], target: 'Bucket' },
    ]);
  });
});

describe('resourceSchemasFrom', () => {
  test.each<[string, (string | number)[], string]>([
    ['AWS::RDS::DBCluster', ['DatabaseName'], 'yes'],
    ['AWS::RDS::DBCluster', ['BackupRetentionPeriod'], 'no'],
    ['AWS::RDS::DBCluster', ['Engine'], 'maybe'],
    ['AWS::EC2::VPNConnection', ['VpnTunnelOptionsSpecifications', 0, 'PreSharedKey'], 'yes'],
    // Inside a property that updates in place, one field is create-only.
    ['AWS::DMS::Endpoint', ['MongoDbSettings', 'AuthType'], 'yes'],
    ['AWS::DMS::Endpoint', ['MongoDbSettings', 'DatabaseName'], 'no'],
    ['AWS::S3::Bucket', ['BucketName'], 'yes'],
    ['Custom::Anything', ['Whatever'], 'no'],
  ])('%s %j: %s', (type, path, expected) => {
    expect(schemas.replacement(type, path)).toBe(expected);
  });

  test('knows which types hold state', () => {
    expect(schemas.isStateful('AWS::RDS::DBCluster')).toBe(true);
    expect(schemas.isStateful('AWS::KMS::Key')).toBe(true);
    expect(schemas.isStateful('AWS::EC2::SecurityGroup')).toBe(false);
  });
});
