import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { readAssembly } from '../../lib/report/assembly';
import { changesSection, refusalLines } from '../../lib/report/changes-section';
import {
  type AssemblyComparison,
  compareAssemblies,
  comparisonExitCode,
  differingPaths,
  referencesIn,
  stagesOf,
} from '../../lib/report/compare';
import { type ResourceSchemas, resourceSchemasFrom } from '../../lib/report/resource-schemas';
import { changeLine, shortValue } from '../../lib/report/template-values';
import {
  CLUSTER,
  DATA_TEMPLATE,
  edit,
  type Json,
  PHASE1_MANIFEST,
  SERVICE_TEMPLATE,
  small,
  smallFiles,
  smallWith,
} from './fixture';

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
        expect.stringMatching(/^DatabaseName changed: shop -> orders \(create-only/),
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

const GATEWAYS_TEMPLATE = 'assembly-Account/AccountGatewaysuswest1F7143274.template.json';
const GATEWAY_PATH = 'Account/Gateways-us-west-1/LegacyGateway';
const SG = 'DbSecurityGroup';
const REPLICATION = 'ShopReplicationce7f5241C88A60';
const REPLICATION_PATH = 'Phase1/Data-us-west-1/ShopReplication/Replication-ce7f52';
type Edits = Parameters<typeof smallWith>[0];

/** Applies several edits to one JSON file, in order. */
const all =
  (...edits: ((json: Json) => void)[]) =>
  (json: Json) => {
    for (const e of edits) e(json);
  };

/** BASE and the change both from the fixture with `common` edits; the change gets `changes` on top. */
function compareEdited(common: Edits, changes: Edits): AssemblyComparison {
  const base = edit(smallFiles(), common);
  return compareAssemblies(readAssembly(base), smallWith(changes, base), schemas);
}

/** A VPC with two subnets and a security group under the cluster, as the data stacks have. */
const withNetwork = (json: Json) => {
  const path = (p: string) => ({ 'aws:cdk:path': `Phase1/Data-us-west-1/${p}` });
  const subnet = (cidr: string) => ({
    Type: 'AWS::EC2::Subnet',
    Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: cidr },
  });
  Object.assign(json.Resources, {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.10.0.0/16' }, Metadata: path('Network/Vpc') },
    SubnetA: subnet('10.10.0.0/24'),
    SubnetB: subnet('10.10.1.0/24'),
    [SG]: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'RDS security group', VpcId: { Ref: 'Vpc' } },
    },
  });
  props('SubnetGroup')(json).SubnetIds = [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }];
  props(CLUSTER)(json).VpcSecurityGroupIds = [{ 'Fn::GetAtt': [SG, 'GroupId'] }];
};

/** A DMS replication into the cluster, in its own subnet group, as the data stacks have. */
const withReplication = all(withNetwork, (json: Json) => {
  Object.assign(json.Resources, {
    ReplicationSubnets: {
      Type: 'AWS::DMS::ReplicationSubnetGroup',
      Properties: { ReplicationSubnetGroupDescription: 'shop', SubnetIds: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }] },
    },
    [REPLICATION]: {
      Type: 'AWS::DMS::ReplicationConfig',
      Properties: {
        ReplicationConfigIdentifier: 'shop-ce7f52',
        ReplicationType: 'full-load-and-cdc',
        ComputeConfig: {
          MaxCapacityUnits: 16,
          ReplicationSubnetGroupId: { Ref: 'ReplicationSubnets' },
          VpcSecurityGroupIds: [{ 'Fn::GetAtt': [SG, 'GroupId'] }],
        },
        TableMappings: {
          rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'object-locator': { 'table-name': 'orders' } }],
        },
        Tags: [{ Key: 'residency:markets', Value: 'US' }],
      },
      Metadata: { 'aws:cdk:path': REPLICATION_PATH },
    },
  });
});

describe('old and new values', () => {
  test.each<[string, Edits, string, string]>([
    ['a weight', { [SERVICE_TEMPLATE]: setProperty('LayerUS', 'Weight', 50) }, 'LayerUS', 'Weight changed: 100 -> 50'],
    [
      'a new property',
      { [DATA_TEMPLATE]: setProperty(CLUSTER, 'Port', 5433) },
      CLUSTER,
      'Port changed: (none) -> 5433',
    ],
    [
      'a reference',
      { [SERVICE_TEMPLATE]: setProperty('LegacyUS', 'HealthCheckId', { Ref: 'ShopRoutingHealthF60A4E2E' }) },
      'LegacyUS',
      'HealthCheckId changed: Ref ShopRoutingLegacyHealthFC6ED1A9 -> Ref ShopRoutingHealthF60A4E2E',
    ],
    [
      'an attribute inside a list',
      { [SERVICE_TEMPLATE]: setProperty('LayerUS', 'ResourceRecords', [{ 'Fn::GetAtt': ['Other', 'DNSName'] }]) },
      'LayerUS',
      'ResourceRecords.0 changed: ShopLoadBalancer3CF63A3D.DNSName -> Other.DNSName',
    ],
  ])('%s shows its old and new value', (_name, edits, logicalId, reason) => {
    expect(change(compareWith(edits), logicalId)?.reasons).toContain(reason);
  });

  test.each<[unknown, string]>([
    [{ Ref: 'Vpc' }, 'Ref Vpc'],
    [{ 'Fn::GetAtt': ['Cluster', 'Endpoint.Address'] }, 'Cluster.Endpoint.Address'],
    [{ 'Fn::ImportValue': 'migration-p1-us-west-1-vpc' }, 'import migration-p1-us-west-1-vpc'],
    [
      { 'Fn::GetStackOutput': { StackName: 'data', OutputName: 'Vpc', Region: 'us-west-1' } },
      'output data.Vpc (us-west-1)',
    ],
    [{ rules: [{}, {}, {}] }, '(3 rules)'],
    [JSON.stringify({ rules: [{}] }), '(1 rule)'],
    [[{ Ref: 'A' }, 'b', 3], '[Ref A, b, 3]'],
    [undefined, '(none)'],
    ['x'.repeat(200), `${'x'.repeat(79)}…`],
  ])('%j reads %s', (value, expected) => {
    expect(shortValue(value)).toBe(expected);
  });

  test('two summaries alike name the first place they differ', () => {
    const rules = (table: string) => JSON.stringify({ rules: [{ 'object-locator': { 'table-name': table } }] });
    expect(changeLine(['TableMappings'], rules('orders'), rules('carts'))).toBe(
      'TableMappings changed: (1 rule) -> (1 rule) (rules.0.object-locator.table-name: orders -> carts)',
    );
  });
});

describe('a DMS replication changed in place is refused', () => {
  const mappings = (json: Json) => {
    props(REPLICATION)(json).TableMappings.rules[0]['object-locator']['table-name'] = 'carts';
  };
  const tags = (json: Json) => {
    props(REPLICATION)(json).Tags[0].Value = 'US MX';
  };
  const newGroup = (json: Json) => {
    props(SG)(json).GroupDescription = 'Database and replication';
  };
  test.each<[string, (json: Json) => void, string]>([
    ['its table mappings', mappings, 'TableMappings.rules.0.object-locator.table-name'],
    ['only its tags', tags, 'Tags.0.Value'],
    ['a security group it refers to (replaced)', newGroup, 'ComputeConfig.VpcSecurityGroupIds.0'],
  ])('fails (exit 2) on a change of %s', (_name, changes, property) => {
    const comparison = compareEdited({ [DATA_TEMPLATE]: withReplication }, { [DATA_TEMPLATE]: changes });
    expect(change(comparison, REPLICATION)?.kind).toBe('modified');
    expect(comparison.refusals).toEqual([
      {
        stack: 'Phase1/Data-us-west-1',
        resource: REPLICATION_PATH,
        rule: 'dms-replication-modified',
        message: expect.stringContaining(
          `${REPLICATION_PATH} (shop-ce7f52) in migration-p1-commerce-data-us-west-1 is modified in place (${property}): CloudFormation sends ModifyReplicationConfig`,
        ),
        procedure: expect.stringMatching(
          /^A change of a replication is a new replication: new logical ID and identifier/,
        ),
      },
    ]);
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('a new replication (new logical ID and identifier) beside the removal of the old is not refused', () => {
    // GIVEN the replication as the app changes it: its digest, so its path, logical ID and identifier, change
    const comparison = compareEdited(
      { [DATA_TEMPLATE]: withReplication },
      {
        [DATA_TEMPLATE]: (json) => {
          const replication = json.Resources[REPLICATION];
          delete json.Resources[REPLICATION];
          replication.Metadata['aws:cdk:path'] = 'Phase1/Data-us-west-1/ShopReplication/Replication-0a1b2c';
          replication.Properties.ReplicationConfigIdentifier = 'shop-0a1b2c';
          replication.Properties.TableMappings.rules[0]['object-locator']['table-name'] = 'carts';
          json.Resources.ShopReplication0a1b2c9F8E7D6C = replication;
        },
      },
    );
    expect(comparison.resources.map((r) => [r.kind, r.logicalId])).toEqual([
      ['removed', REPLICATION],
      ['added', 'ShopReplication0a1b2c9F8E7D6C'],
    ]);
    expect(comparison.refusals).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });
});

describe('a replaced resource whose export or output another stack reads is refused', () => {
  const newAddress = { [GATEWAYS_TEMPLATE]: setProperty('LegacyGateway', 'IpAddress', '203.0.113.11') };

  test('fails (exit 2) if the gateway an export names is replaced while a VPN imports it, naming all three', () => {
    // GIVEN the legacy peer's new address: IpAddress is create-only
    const comparison = compareWith(newAddress);
    // THEN the gateway is replaced, the VPN that imports its ID in turn, and the export change is refused
    expect(change(comparison, 'LegacyGateway')?.kind).toBe('replaced');
    expect(change(comparison, 'LegacyVpn')?.reasons).toContain(
      'CustomerGatewayId refers to Account/Gateways-us-west-1/LegacyGateway (import migration-customer-gateway-bj-legacy), which is replaced: its value changes',
    );
    expect(comparison.refusals).toEqual([
      {
        stack: 'Account/Gateways-us-west-1',
        resource: GATEWAY_PATH,
        rule: 'export-in-use',
        message: expect.stringMatching(
          /^Export migration-customer-gateway-bj-legacy of Account\/Gateways-us-west-1 \(output LegacyGatewayId\) refers to Account\/Gateways-us-west-1\/LegacyGateway \(AWS::EC2::CustomerGateway\), which is replaced: its value changes, and Phase1\/Data-us-west-1 imports it: CloudFormation refuses/,
        ),
        procedure: expect.stringMatching(
          /^Two deploys\. First, .*create the new resource beside it .*; move Phase1\/Data-us-west-1 to the new one; .* Second, .*list-imports --export-name migration-customer-gateway-bj-legacy/,
        ),
      },
    ]);
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test.each<[string, unknown, unknown]>([
    [
      'Fn::Sub',
      'migration-customer-gateway-bj-legacy',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
      { 'Fn::Sub': ['migration-customer-gateway-${Peer}', { Peer: 'bj-legacy' }] },
    ],
    [
      'Fn::Join',
      'migration-customer-gateway-bj-legacy',
      { 'Fn::Join': ['-', ['migration-customer-gateway', 'bj-legacy']] },
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
    ['a pseudo parameter', { 'Fn::Sub': '${AWS::StackName}-legacy' }, 'migration-shared-gateways-us-west-1-legacy'],
  ])('finds the importer through %s', (_name, exportName, importName) => {
    const names = {
      [GATEWAYS_TEMPLATE]: (json: Json) => {
        json.Outputs.LegacyGatewayId.Export.Name = exportName;
      },
      [DATA_TEMPLATE]: setProperty('LegacyVpn', 'CustomerGatewayId', { 'Fn::ImportValue': importName }),
    };
    const comparison = compareEdited(names, {
      ...names,
      [GATEWAYS_TEMPLATE]: all(names[GATEWAYS_TEMPLATE], newAddress[GATEWAYS_TEMPLATE]),
    });
    expect(comparison.refusals.map((r) => [r.rule, r.resource])).toEqual([['export-in-use', GATEWAY_PATH]]);
  });

  test('fails if an imported export changes value; its importer reads the new value', () => {
    // GIVEN the export names a gateway by ID instead of the one in its stack
    const comparison = compareWith({
      [GATEWAYS_TEMPLATE]: (json) => {
        json.Outputs.LegacyGatewayId.Value = 'cgw-0123';
      },
    });
    expect(change(comparison, 'LegacyVpn')).toMatchObject({
      kind: 'replaced',
      reasons: [
        'CustomerGatewayId reads Account/Gateways-us-west-1 import migration-customer-gateway-bj-legacy, whose value changes: Ref LegacyGateway -> cgw-0123',
        expect.stringMatching(/^UpdateReplacePolicy/),
      ],
    });
    expect(comparison.refusals).toEqual([
      expect.objectContaining({
        rule: 'export-in-use',
        resource: undefined,
        message: expect.stringContaining('(output LegacyGatewayId) changes value: Ref LegacyGateway -> cgw-0123, and'),
      }),
    ]);
  });

  test("the report's Changes section and summary show each refusal with what to do instead", () => {
    const result = compareWith(newAddress);
    const section = changesSection('base.out', result);
    expect(section).toMatch(/> \*\*1 change the deployed system would refuse\.\*\*/);
    expect(section).toMatch(
      /> - \*\*export-in-use\*\* in `Account\/Gateways-us-west-1`: Export migration-customer-gateway-bj-legacy .*\n> {3}- Instead: Two deploys\./,
    );
    expect(refusalLines(result)).toEqual([
      expect.stringMatching(/^ {2}REFUSED \(export-in-use\): Export migration-customer-gateway-bj-legacy/),
      expect.stringMatching(/^ {4}instead: Two deploys\./),
    ]);
  });

  test('a replaced resource whose export nobody imports is not refused', () => {
    // GIVEN a VPN that names its gateway by ID, not through the export
    const literal = { [DATA_TEMPLATE]: setProperty('LegacyVpn', 'CustomerGatewayId', 'cgw-0123') };
    const comparison = compareEdited(literal, newAddress);
    expect(change(comparison, 'LegacyGateway')?.kind).toBe('replaced');
    expect(comparison.refusals).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test('an imported export whose resource only updates in place is not refused', () => {
    const comparison = compareWith({
      [GATEWAYS_TEMPLATE]: setProperty('LegacyGateway', 'Tags', [{ Key: 'a', Value: 'b' }]),
    });
    expect(change(comparison, 'LegacyGateway')?.kind).toBe('modified');
    expect(comparison.refusals).toEqual([]);
  });

  test('fails if a replaced resource is read by another stack with Fn::GetStackOutput', () => {
    // GIVEN the service reads the cluster's endpoint; the cluster's create-only DatabaseName changes
    const read = {
      [SERVICE_TEMPLATE]: setProperty('GeoWorld', 'ResourceRecords', [
        { 'Fn::GetStackOutput': { StackName: 'migration-p1-commerce-data-us-west-1', OutputName: 'ClusterEndpoint' } },
      ]),
    };
    const comparison = compareEdited(read, {
      ...read,
      [DATA_TEMPLATE]: setProperty(CLUSTER, 'DatabaseName', 'orders'),
    });
    expect(change(comparison, 'GeoWorld')?.reasons).toContain(
      `ResourceRecords.0 refers to Phase1/Data-us-west-1/${CLUSTER} (output ClusterEndpoint), which is replaced: its value changes`,
    );
    expect(comparison.refusals).toEqual([
      expect.objectContaining({
        stack: 'Phase1/Data-us-west-1',
        resource: CLUSTER_PATH,
        rule: 'output-in-use',
        message: expect.stringContaining('Phase1/Service-us-west-1 reads it with Fn::GetStackOutput'),
      }),
    ]);
  });
});

describe('references to replaced resources, and the network under a store', () => {
  test('a mutable property that refers to a replaced resource is modified, showing the reference; no data at risk', () => {
    // GIVEN the load balancer's create-only Scheme changes; records and a health check read its DNS name
    const comparison = compareWith({
      [SERVICE_TEMPLATE]: setProperty('ShopLoadBalancer3CF63A3D', 'Scheme', 'internal'),
    });
    expect(change(comparison, 'ShopLoadBalancer3CF63A3D')?.kind).toBe('replaced');
    expect(change(comparison, 'LayerUS')).toMatchObject({
      kind: 'modified',
      reasons: ['ResourceRecords.0 refers to ShopLoadBalancer3CF63A3D, which is replaced: its value changes'],
      changedProperties: ['ResourceRecords.0'],
    });
    expect(change(comparison, 'ShopRoutingHealthF60A4E2E')?.kind).toBe('modified');
    expect(comparison.dataAtRisk).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test('fails (exit 2) if the VPC under the database is replaced: the subnet group and the cluster are data at risk', () => {
    // GIVEN a new CIDR for the VPC: create-only, so the VPC, its subnets and its security group are replaced
    const comparison = compareEdited(
      { [DATA_TEMPLATE]: withNetwork },
      { [DATA_TEMPLATE]: setProperty('Vpc', 'CidrBlock', '10.11.0.0/16') },
    );
    // THEN
    expect(change(comparison, 'SubnetA')?.kind).toBe('replaced');
    expect(change(comparison, 'SubnetGroup')).toMatchObject({
      kind: 'modified',
      reasons: expect.arrayContaining(['SubnetIds.0 refers to SubnetA, which is replaced: its value changes']),
    });
    expect(change(comparison, CLUSTER)?.kind).toBe('modified');
    expect(comparison.networkAtRisk).toEqual([
      expect.stringMatching(
        /^Phase1\/Data-us-west-1\/ShopDatabase\/Subnets\/Default \(AWS::RDS::DBSubnetGroup\) modified, on a network that is replaced: SubnetIds\.0 refers to SubnetA, which is replaced\. RDS does not move/,
      ),
      expect.stringMatching(
        new RegExp(
          `^${CLUSTER_PATH} \\(AWS::RDS::DBCluster\\) modified, on a network that is replaced: DBSubnetGroupName refers to SubnetGroup, whose SubnetIds\\.0 refers to SubnetA, which is replaced`,
        ),
      ),
    ]);
    expect(comparison.dataAtRisk).toEqual(expect.arrayContaining(comparison.networkAtRisk));
    expect(comparisonExitCode(comparison)).toBe(2);
  });

  test('fails if a subnet group in another stack reads replaced subnets through an export', () => {
    // GIVEN the data stack exports its subnets; a DMS subnet group of the service stack imports them
    const shared = {
      [DATA_TEMPLATE]: all(withNetwork, (json: Json) => {
        json.Outputs.Subnets = {
          Value: { 'Fn::Join': [',', [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }]] },
          Export: { Name: 'p1-subnets' },
        };
      }),
      [SERVICE_TEMPLATE]: (json: Json) => {
        json.Resources.TransferSubnets = {
          Type: 'AWS::DMS::ReplicationSubnetGroup',
          Properties: {
            ReplicationSubnetGroupDescription: 'transfer',
            SubnetIds: { 'Fn::Split': [',', { 'Fn::ImportValue': 'p1-subnets' }] },
          },
        };
      },
    };
    const comparison = compareEdited(shared, {
      ...shared,
      [DATA_TEMPLATE]: all(shared[DATA_TEMPLATE], setProperty('Vpc', 'CidrBlock', '10.11.0.0/16')),
    });
    expect(comparison.networkAtRisk).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Phase1\/Service-us-west-1\/TransferSubnets \(AWS::DMS::ReplicationSubnetGroup\) modified, on a network that is replaced: SubnetIds refers to Phase1\/Data-us-west-1\/SubnetA \(import p1-subnets\), which is replaced/,
        ),
      ]),
    );
    expect(comparison.refusals.map((r) => r.rule)).toEqual(['export-in-use']);
  });

  test('a security group replaced in the same VPC modifies the cluster in place: no data at risk', () => {
    const comparison = compareEdited(
      { [DATA_TEMPLATE]: withNetwork },
      { [DATA_TEMPLATE]: setProperty(SG, 'GroupDescription', 'Shop database') },
    );
    expect(change(comparison, CLUSTER)).toMatchObject({
      kind: 'modified',
      reasons: [`VpcSecurityGroupIds.0 refers to ${SG}, which is replaced: its value changes`],
    });
    expect(comparison.dataAtRisk).toEqual([]);
    expect(comparisonExitCode(comparison)).toBe(0);
  });

  test('with stages, the stacks of other stages are neither compared nor reported removed', () => {
    const phase1Only = smallWith({
      'manifest.json': (json) => {
        delete json.artifacts['assembly-Account'];
      },
    });
    expect(compareAssemblies(small(), phase1Only, schemas).stacks.map((s) => s.kind)).toEqual(['removed']);
    expect(compareAssemblies(small(), phase1Only, schemas, { stages: stagesOf(phase1Only) }).stacks).toEqual([]);
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
