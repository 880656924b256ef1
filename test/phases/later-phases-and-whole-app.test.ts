import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { phaseDashboardName } from '../../lib/naming';
import type { ResidencyJson } from '../../lib/report/assembly';
import { readValidationFailures } from '../../lib/report/validation-failures';
import { UPLOAD_KEY_PREFIX } from '../../lib/stacks/data-stack';
import { defaultAssembly, defaultPlan, logicalIds } from '../support/harness';
import { asPairs, pinnedDataStack, statefulIds } from '../support/pinned-logical-ids';

/** The markets a replication config's table mappings filter on (sorted, deduplicated). */
function marketsFiltered(config: { Properties?: { TableMappings?: unknown } }): string[] {
  const values = JSON.stringify(config.Properties?.TableMappings ?? {}).matchAll(/"value":"([A-Z*]{1,2})"/g);
  return [...new Set([...values].map((m) => m[1]))].sort();
}

// Every phase of the default plan, as `cdk synth` builds and checks it (synthesized once per run).
const synth = defaultAssembly();
const stackIds = (phase: number) => synth.stackIds(phase);

describe('Phase 2: accounts, messaging and photo sync', () => {
  test('has a data and a service stack in us-west-2 and ap-southeast-1, a health stack in us-east-1, no edge, and its watch stacks', () => {
    expect(stackIds(2)).toEqual([
      'Data-us-west-2',
      'Service-us-west-2',
      'Data-ap-southeast-1',
      'Service-ap-southeast-1',
      'Health-us-east-1',
      // Goal canaries near each market, and the exit criteria in us-west-2 (test/phases/goals.test.ts).
      'Watch-us-west-2',
      'Watch-us-east-2',
      // Mexico, Thailand and Turkey, served by name since platform.yaml declares them (their own canary regions)
      'Watch-mx-central-1',
      'Watch-ap-southeast-7',
      'Watch-il-central-1',
      'Watch-ap-southeast-1',
      'Watch-ap-east-1',
      'Watch-ap-east-2',
      'Watch-ap-southeast-5',
      'Watch-ap-southeast-3',
      'Watch-ap-south-1',
    ]);
  });

  test.each(['Data-us-west-2', 'Service-us-west-2', 'Data-ap-southeast-1', 'Service-ap-southeast-1'])(
    '%s matches its snapshot',
    (id) => {
      expect(synth.template(2, id).toJSON()).toMatchSnapshot();
    },
  );

  test.each([
    [2, 'Data-us-west-2', ['accounts', 'messaging', 'photos']],
    [2, 'Data-ap-southeast-1', ['accounts', 'messaging', 'photos']],
    [3, 'Data-ap-south-1', ['shop', 'accounts', 'messaging', 'photos']],
    [4, 'Data-mx-central-1', ['shop', 'accounts', 'messaging', 'photos']],
    [4, 'Data-ap-southeast-7', ['shop', 'accounts', 'messaging', 'photos']],
    [4, 'Data-eu-central-1', ['shop', 'accounts', 'messaging', 'photos']],
  ])('phase %i %s pins the logical IDs of its stateful resources', (phase, stack, services) => {
    const pinned = pinnedDataStack(services);
    expect(statefulIds(synth.template(phase, stack), pinned)).toEqual(asPairs(pinned));
  });

  test('photo sync has an encrypted, access-logged bucket', () => {
    const data = synth.template(2, 'Data-us-west-2');
    data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'PhotosObjects/' }),
    });
  });

  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  const statementsOf = (template: any, rolePrefix: string): any[] =>
    Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith(rolePrefix))
      // biome-ignore lint/suspicious/noExplicitAny: template JSON
      .flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  const objectPattern = (resource: any): string =>
    JSON.stringify(resource).replace(/.*"PhotosObjectsA7C40916","Arn"\]\},"([^"]*)".*/, '$1');

  test.each([
    [2, 'Data-us-west-2'],
    [2, 'Data-ap-southeast-1'],
    [3, 'Data-ap-south-1'],
  ])(
    'phase %i %s: photo tasks put objects under uploads/ only, read and delete any key, with the data key',
    (phase, id) => {
      const statements = statementsOf(synth.template(phase, id), 'PhotosTaskRole');
      const grants = (action: string) =>
        statements
          .filter((s) => [s.Action].flat().includes(action))
          .flatMap((s) => [s.Resource].flat())
          .map(objectPattern);
      expect(grants('s3:PutObject')).toEqual([`/${UPLOAD_KEY_PREFIX}*`]);
      expect(grants('s3:Abort*')).toEqual([`/${UPLOAD_KEY_PREFIX}*`]);
      expect(grants('s3:GetObject*')).toContain('/*');
      expect(grants('s3:DeleteObject*')).toEqual(['/*']);
      // SSE-KMS: uploading needs kms:GenerateDataKey, reading kms:Decrypt, on the bucket's key.
      const kms = statements.filter((s) => JSON.stringify(s.Resource).includes('DataKey17AFBB84'));
      expect(kms.flatMap((s) => [s.Action].flat())).toEqual(
        expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']),
      );
    },
  );

  test.each([
    [2, 'Data-us-west-2', 'Enabled'],
    [2, 'Data-ap-southeast-1', 'Enabled'],
    // India uploads to Mumbai from India: nothing to gain.
    [3, 'Data-ap-south-1', undefined],
  ])(
    "phase %i %s: browsers PUT from the photo service's names only; Transfer Acceleration %s",
    (phase, id, accelerated) => {
      const [bucket] = Object.values(synth.template(phase, id).findResources('AWS::S3::Bucket')).filter(
        (b) => b.Properties.CorsConfiguration,
      );
      expect(bucket.Properties.CorsConfiguration.CorsRules).toEqual([
        expect.objectContaining({
          AllowedMethods: ['PUT', 'POST'],
          AllowedOrigins: ['https://photos.shop.example.com', 'https://*.photos.shop.example.com'],
        }),
      ]);
      expect(bucket.Properties.AccelerateConfiguration?.AccelerationStatus).toBe(accelerated);
    },
  );

  test('photo tasks get the bucket, the upload prefix and whether to sign for the accelerate endpoint', () => {
    const [task] = Object.values(
      synth.template(2, 'Service-ap-southeast-1').findResources('AWS::ECS::TaskDefinition'),
    ).filter((t) => JSON.stringify(t).includes('OBJECT_BUCKET'));
    expect(task.Properties.ContainerDefinitions[0].Environment).toEqual(
      expect.arrayContaining([
        { Name: 'OBJECT_BUCKET', Value: expect.objectContaining({ 'Fn::GetStackOutput': expect.anything() }) },
        { Name: 'UPLOAD_KEY_PREFIX', Value: UPLOAD_KEY_PREFIX },
        { Name: 'OBJECT_BUCKET_ACCELERATED', Value: 'true' },
      ]),
    );
    expect(JSON.stringify(task)).not.toContain('UPLOAD_PATH');
  });

  test('a task role may connect to its own database only, as the app user, through IAM', () => {
    const data = synth.template(2, 'Data-us-west-2');
    const policies = Object.entries(data.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('AccountsTaskRole'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0][1].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'rds-db:connect', Effect: 'Allow', Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(statements)).toContain('AccountsDatabaseCluster');
    expect(JSON.stringify(statements)).toContain('/app');
  });

  test("photo sync at a 50 % cutover leaves half of Singapore on legacy, both numbers in phase 2's own layer", () => {
    const sg = synth.template(2, 'Service-ap-southeast-1');
    sg.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p2.sg.photos.shop.example.com.',
      SetIdentifier: 'p2-ap-southeast-1',
      Weight: 50,
    });
    sg.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p2.sg.photos.shop.example.com.',
      SetIdentifier: 'below',
      Weight: 50,
      ResourceRecords: ['origin.bj.example.com'],
    });
  });
});

describe('Phase 3: in-country markets', () => {
  test("India gets AWS stacks in Mumbai and a transfer from Singapore; Brazil a site stack in its provider's home region", () => {
    expect(stackIds(3)).toEqual([
      'Data-ap-south-1',
      'Service-ap-south-1',
      'Transfer-ap-southeast-1',
      'Link-ap-south-1',
      'Site-br-sao-paulo',
      'Health-us-east-1',
      'Watch-ap-south-1',
      'Watch-sa-east-1',
    ]);
    expect(synth.artifact(3, 'Transfer-ap-southeast-1').environment.region).toBe('ap-southeast-1');
    expect(synth.artifact(3, 'Site-br-sao-paulo').environment.region).toBe('us-west-1');
  });

  test.each([
    'Data-ap-south-1',
    'Service-ap-south-1',
    'Transfer-ap-southeast-1',
    'Link-ap-south-1',
    'Site-br-sao-paulo',
    'Health-us-east-1',
  ])('%s matches its snapshot', (id) => {
    expect(synth.template(3, id).toJSON()).toMatchSnapshot();
  });

  test("the provider site stores nothing, and sends nobody to its endpoint while Brazil's rows are copying", () => {
    const site = synth.template(3, 'Site-br-sao-paulo');
    const types = new Set(
      Object.values(site.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type),
    );
    for (const store of ['AWS::RDS::DBCluster', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::EFS::FileSystem']) {
      expect(types.has(store)).toBe(false);
    }
    site.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p3.br.shop.shop.example.com.',
      SetIdentifier: 'below',
      Weight: 100,
      ResourceRecords: ['origin.bj.example.com'],
    });
    site.resourcePropertiesCountIs(
      'AWS::Route53::RecordSet',
      { ResourceRecords: ['edge.br-sp.partner.example.net'] },
      0,
    );
  });

  test("Brazil's rows go from legacy into the provider's database only, over VPNs from us-west-1, each table by exact name", () => {
    const site = synth.template(3, 'Site-br-sao-paulo');
    site.resourceCountIs('AWS::DMS::ReplicationConfig', 4);
    site.resourcePropertiesCountIs(
      'AWS::DMS::Endpoint',
      {
        EndpointType: 'target',
        EngineName: 'postgres',
        ServerName: 'db.br-sp.partner.example.net',
        SslMode: 'require',
      },
      4,
    );
    site.resourcePropertiesCountIs(
      'AWS::DMS::Endpoint',
      { EndpointType: 'source', ServerName: 'db.bj.example.com' },
      4,
    );
    for (const config of Object.values(site.findResources('AWS::DMS::ReplicationConfig'))) {
      expect(marketsFiltered(config)).toEqual(['BR']);
    }
    // DMS reaches only the site's network and the data center's, on the databases' ports.
    site.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 5432, ToPort: 5432 }),
        Match.objectLike({ CidrIp: '172.20.0.0/16', FromPort: 5432, ToPort: 5432 }),
      ]),
    });
    for (const peer of ['br-sao-paulo', 'bj-legacy']) {
      site.hasResourceProperties('AWS::EC2::VPNConnection', {
        CustomerGatewayId: { 'Fn::ImportValue': `migration-customer-gateway-${peer}` },
        StaticRoutesOnly: false,
      });
    }
  });

  test("Brazil's services run on the provider's hosts with ECS Anywhere, logs kept on the hosts, no task until hosts register", () => {
    const site = synth.template(3, 'Site-br-sao-paulo');
    site.resourcePropertiesCountIs('AWS::ECS::Service', { LaunchType: 'EXTERNAL', DesiredCount: 0 }, 4);
    site.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Principal: { Service: 'ssm.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ],
      }),
    });
    for (const task of Object.values(site.findResources('AWS::ECS::TaskDefinition'))) {
      expect(task.Properties.RequiresCompatibilities).toEqual(['EXTERNAL']);
      for (const container of task.Properties.ContainerDefinitions) {
        expect(container.LogConfiguration.LogDriver).toBe('json-file');
      }
    }
    // One port per service on a host, in plan order, for the provider's load balancer.
    site.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Image: Match.anyValue(), PortMappings: [Match.objectLike({ HostPort: 8081 })] }),
      ],
    });
  });

  test("India's rows go from Singapore to Mumbai: one replication per service from the phase that holds them, IN rows only", () => {
    const transfer = synth.template(3, 'Transfer-ap-southeast-1');
    const configs = Object.values(transfer.findResources('AWS::DMS::ReplicationConfig'));
    expect(configs).toHaveLength(4);
    for (const config of configs) expect(marketsFiltered(config)).toEqual(['IN']);
    for (const [phase, service] of [
      [1, 'shop'],
      [2, 'accounts'],
      [2, 'messaging'],
      [2, 'photos'],
    ] as const) {
      transfer.hasResourceProperties('AWS::DMS::Endpoint', {
        EndpointType: 'source',
        ServerName: { 'Fn::ImportValue': `migration-p${phase}-ap-southeast-1-${service}-database-address` },
      });
    }
    transfer.resourcePropertiesCountIs(
      'AWS::DMS::Endpoint',
      {
        EndpointType: 'target',
        ServerName: Match.objectLike({
          'Fn::GetStackOutput': Match.objectLike({
            StackName: 'migration-p3-incountry-data-ap-south-1',
            Region: 'ap-south-1',
          }),
        }),
      },
      4,
    );
    // One peering per source VPC, routes both ways, and each receiving database open to each source range.
    transfer.resourcePropertiesCountIs('AWS::EC2::VPCPeeringConnection', { PeerRegion: 'ap-south-1' }, 2);
    transfer.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.50.0.0/16' }, 4);
    const link = synth.template(3, 'Link-ap-south-1');
    for (const cidr of ['10.20.0.0/16', '10.40.0.0/16']) {
      link.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: cidr }, 2);
    }
    // Each database opened only to the VPC that writes it: shop from phase 1, the rest from phase 2.
    link.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, CidrIp: '10.20.0.0/16' }, 1);
    link.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, CidrIp: '10.40.0.0/16' }, 3);
  });

  test('every Route 53 health check of a phase has an alarm in us-east-1, where its metrics are, on the check itself', () => {
    for (const phase of [1, 2, 3]) {
      const regional = synth
        .stackIds(phase)
        .map((id) => ({ id, artifact: synth.artifact(phase, id) }))
        .filter(({ artifact }) => artifact.environment.region !== 'us-east-1');
      const checks = regional.flatMap(({ id: stackId, artifact }) =>
        Object.keys(synth.template(phase, stackId).findResources('AWS::Route53::HealthCheck')).map((id) => ({
          stack: artifact.stackName,
          id,
        })),
      );
      const health = synth.template(phase, 'Health-us-east-1');
      const watched = Object.values(health.findResources('AWS::CloudWatch::Alarm')).map((alarm) => {
        const dimension = JSON.stringify(alarm.Properties.Dimensions);
        return checks.find((c) => dimension.includes(`"StackName":"${c.stack}"`) && dimension.includes(`Ref${c.id}`));
      });
      expect(watched.every(Boolean)).toBe(true);
      expect(new Set(watched).size).toBe(checks.length);
      expect(checks.length).toBeGreaterThan(0);
    }
  });

  test('every VPN connection has a tunnel alarm in its own stack', () => {
    for (const [phase, id] of [
      [1, 'Data-us-west-1'],
      [3, 'Site-br-sao-paulo'],
    ] as const) {
      const template = synth.template(phase, id);
      for (const vpn of Object.keys(template.findResources('AWS::EC2::VPNConnection'))) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/VPN',
          MetricName: 'TunnelState',
          Dimensions: [{ Name: 'VpnId', Value: { Ref: vpn } }],
          // Both tunnels down (0); one of two down (0.5) is routine maintenance.
          ComparisonOperator: 'LessThanOrEqualToThreshold',
          Threshold: 0,
        });
      }
    }
  });

  test('every value imported by name is exported by a stack of the app in the same region (deploy order holds)', () => {
    const exports = new Map<string, string>();
    const imports: [string, string, string][] = [];
    for (const nested of synth.assembly.nestedAssemblies) {
      for (const artifact of nested.nestedAssembly.stacks) {
        const region = artifact.environment.region;
        for (const output of Object.values(artifact.template.Outputs ?? {}) as { Export?: { Name: string } }[]) {
          if (output.Export) exports.set(`${region}|${output.Export.Name}`, artifact.displayName);
        }
        const names = JSON.stringify(artifact.template).matchAll(/"Fn::ImportValue":"([^"]+)"/g);
        for (const [, name] of names) imports.push([artifact.displayName, region, name]);
      }
    }
    expect(imports.length).toBeGreaterThan(20);
    const missing = imports.filter(([, region, name]) => !exports.has(`${region}|${name}`));
    expect(missing).toEqual([]);
  });

  test('Mumbai replicates nothing from legacy: India moved to Singapore earlier, so legacy no longer has its writes', () => {
    synth.template(3, 'Data-ap-south-1').resourceCountIs('AWS::DMS::ReplicationConfig', 0);
    synth.template(2, 'Data-ap-southeast-1').resourceCountIs('AWS::DMS::ReplicationConfig', 3);
  });

  test("Mumbai is India's latest layer for every service, and passes all of it down while its copy is not ready", () => {
    const service = synth.template(3, 'Service-ap-south-1');
    for (const name of ['shop', 'accounts', 'messaging', 'photos']) {
      service.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `in.${name}.shop.example.com.`,
        SetIdentifier: 'p3',
        Weight: 1,
        ResourceRecords: [`p3.in.${name}.shop.example.com`],
      });
      service.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `p3.in.${name}.shop.example.com.`,
        SetIdentifier: 'below',
        Weight: 100,
        ResourceRecords: [`p${name === 'shop' ? 1 : 2}.in.${name}.shop.example.com`],
      });
    }
    service.resourcePropertiesCountIs('AWS::Route53::RecordSet', { SetIdentifier: 'p3-ap-south-1' }, 0);
    // Mumbai owns no geolocation records: phase 1 and 2 own those, so deploying phase 3 collides with nothing.
    service.resourcePropertiesCountIs('AWS::Route53::RecordSet', { GeoLocation: Match.anyValue() }, 0);
  });
});

describe("each phase's dashboard", () => {
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  type Json = any;
  type StackInfo = { id: string; region: string; stackName: string };
  const stacksOf = (phase: number): StackInfo[] =>
    synth.stackIds(phase).map((id) => {
      const artifact = synth.artifact(phase, id);
      return { id, region: artifact.environment.region, stackName: artifact.stackName };
    });
  const dashboards = (phase: number) =>
    stacksOf(phase).flatMap((stack) =>
      Object.values(synth.template(phase, stack.id).findResources('AWS::CloudWatch::Dashboard')).map((dashboard) => ({
        stack,
        dashboard,
      })),
    );
  /** The body as JSON, each token (a reference) replaced by a string that says what it refers to. */
  const body = (dashboard: Json): Json => {
    const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'];
    return JSON.parse(
      parts.map((p: Json) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(''),
    );
  };
  const phaseDashboard = (phase: number) => {
    const found = dashboards(phase).filter(({ stack }) => stack.id.startsWith('Watch-'));
    expect(found).toHaveLength(1);
    return { ...found[0], widgets: body(found[0].dashboard).widgets as Json[] };
  };

  test.each([1, 2, 3, 4])(
    'phase %i has one, in its goals region, named after the phase; only service stacks keep their own',
    (phase) => {
      const config = synth.plan.phase(phase);
      const { stack, dashboard } = phaseDashboard(phase);
      expect(stack.region).toBe(synth.plan.goalsRegion(config));
      expect(dashboard.Properties.DashboardName).toBe(phaseDashboardName(phase, config.workload));
      expect(
        dashboards(phase)
          .map(({ stack }) => stack.id.split('-')[0])
          .sort(),
      ).toEqual(
        [
          'Watch',
          ...stacksOf(phase)
            .filter((s) => s.id.startsWith('Service-'))
            .map(() => 'Service'),
        ].sort(),
      );
    },
  );

  test.each([1, 2, 3])(
    'phase %i shows every VPN tunnel, health check and replication rule of the phase, each read in its own region',
    (phase) => {
      const { widgets } = phaseDashboard(phase);
      const shown = (namespace: string, metric: string) =>
        widgets
          .filter((w) => w.type === 'metric')
          .flatMap((w) =>
            w.properties.metrics
              .filter((m: Json) => m[0] === namespace && m[1] === metric)
              .map((m: Json) => [m[3], w.properties.region]),
          );
      const expected = (type: string, region: (stack: StackInfo) => string) =>
        stacksOf(phase).flatMap((stack) =>
          Object.keys(synth.template(phase, stack.id).findResources(type)).map((id) => [
            stack.stackName,
            id,
            region(stack),
          ]),
        );
      for (const [namespace, metric, type, region] of [
        ['AWS/VPN', 'TunnelState', 'AWS::EC2::VPNConnection', (s: StackInfo) => s.region],
        ['AWS/Route53', 'HealthCheckStatus', 'AWS::Route53::HealthCheck', () => 'us-east-1'],
        ['AWS/Events', 'MatchedEvents', 'AWS::Events::Rule', (s: StackInfo) => s.region],
      ] as const) {
        const want = expected(type, region);
        const got = shown(namespace, metric);
        expect([metric, got.length]).toEqual([metric, want.length]);
        for (const [stackName, id, inRegion] of want) {
          expect([
            metric,
            id,
            got.some(
              ([ref, r]: [string, string]) =>
                ref.includes(`'StackName':'${stackName}'`) && ref.includes(`Ref${id}`) && r === inRegion,
            ),
          ]).toEqual([metric, id, true]);
        }
      }
      expect(shown('AWS/VPN', 'TunnelState').length).toBeGreaterThan(0);
    },
  );

  test.each([1, 2, 3, 4])(
    "phase %i's metric widgets all name their region; alarm widgets show only the dashboard stack's own alarms",
    (phase) => {
      const { widgets } = phaseDashboard(phase);
      const metrics = widgets.filter((w) => w.type === 'metric');
      expect(metrics.length).toBeGreaterThan(0);
      for (const w of metrics)
        expect([w.properties.title, w.properties.region]).toEqual([
          w.properties.title,
          expect.stringMatching(/^[a-z]{2}-[a-z]+-\d$/),
        ]);
      const alarms = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms as string[]);
      expect(alarms.length).toBeGreaterThan(0);
      // A reference within the stack is a GetAtt; another stack's alarm would be a GetStackOutput.
      for (const alarm of alarms) expect(alarm).toMatch(/^\{'Fn::GetAtt':\['Goals\w+','Arn'\]\}$/);
    },
  );
});

describe('Phase 4: new markets (Mexico, Thailand and Turkey)', () => {
  /** Each new market, the location that serves it in phase 4, and the region of that location. */
  const MARKETS = [
    ['MX', 'mx-central-1'],
    ['TH', 'ap-southeast-7'],
    ['TR', 'eu-central-1'],
  ] as const;
  const SERVICES = ['shop', 'accounts', 'messaging', 'photos'];
  /** The phase whose site serves a market's service until phase 4 takes over: California's or Oregon's. */
  const servedBefore = (service: string) => (service === 'shop' ? 1 : 2);

  test("the same stacks as phase 3's India for each region, one transfer per source region, no CDN", () => {
    expect(stackIds(4)).toEqual([
      'Data-mx-central-1',
      'Service-mx-central-1',
      'Data-ap-southeast-7',
      'Service-ap-southeast-7',
      'Data-eu-central-1',
      'Service-eu-central-1',
      // The rows are in phase 1's California (shop) and phase 2's Oregon (the rest): one stack each feeds every site.
      'Transfer-us-west-1',
      'Transfer-us-west-2',
      'Link-mx-central-1',
      'Link-ap-southeast-7',
      'Link-eu-central-1',
      // No Health-us-east-1: while every site copies, no record reaches one, so there is no health check to watch.
      'Watch-mx-central-1',
      'Watch-ap-southeast-7',
      'Watch-il-central-1',
    ]);
    for (const [, location] of MARKETS) {
      expect(synth.artifact(4, `Data-${location}`).environment.region).toBe(location);
    }
    expect(synth.artifact(4, 'Transfer-us-west-2').environment.region).toBe('us-west-2');
  });

  test.each([
    'Data-mx-central-1',
    'Service-mx-central-1',
    'Transfer-us-west-1',
    'Transfer-us-west-2',
    'Link-mx-central-1',
  ])('%s matches its snapshot', (id) => {
    expect(synth.template(4, id).toJSON()).toMatchSnapshot();
  });

  test.each(MARKETS)(
    "%s's name prefers phase 4's layer, which passes all of it down to the phase that serves it today while its copy is not ready",
    (market, location) => {
      const service = synth.template(4, `Service-${location}`);
      const code = market.toLowerCase();
      for (const name of SERVICES) {
        service.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `${code}.${name}.shop.example.com.`,
          SetIdentifier: 'p4',
          Weight: 1,
          ResourceRecords: [`p4.${code}.${name}.shop.example.com`],
        });
        service.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `p4.${code}.${name}.shop.example.com.`,
          SetIdentifier: 'below',
          Weight: 100,
          ResourceRecords: [`p${servedBefore(name)}.${code}.${name}.shop.example.com`],
        });
      }
      // no record reaches the site while it copies, and only its own market is routed here
      service.resourcePropertiesCountIs('AWS::Route53::RecordSet', { SetIdentifier: `p4-${location}` }, 0);
      service.resourceCountIs('AWS::Route53::HealthCheck', 0);
      service.resourcePropertiesCountIs('AWS::Route53::RecordSet', { GeoLocation: Match.anyValue() }, 0);
      const names = Object.values(service.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties.Name);
      expect(names.filter((n: string) => !n.match(new RegExp(`^(p4\\.)?${code}\\.`)))).toEqual([]);
    },
  );

  test.each(MARKETS)(
    '%s keeps the answer it had as part of "*": its geolocation record and its layer at California (shop) and Oregon (the rest)',
    (market) => {
      const code = market.toLowerCase();
      for (const name of SERVICES) {
        const owner = synth.template(servedBefore(name), `Service-us-west-${servedBefore(name)}`);
        owner.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `${name}.shop.example.com.`,
          GeoLocation: { CountryCode: market },
          ResourceRecords: [`${code}.${name}.shop.example.com`],
        });
        owner.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `p${servedBefore(name)}.${code}.${name}.shop.example.com.`,
          SetIdentifier: `p${servedBefore(name)}-us-west-${servedBefore(name)}`,
        });
      }
    },
  );

  test("declaring them keeps California's and Oregon's copy from Beijing as it was: they are named there, so the rest-of-world filter excludes the same markets", () => {
    for (const [phase, id] of [
      [1, 'Data-us-west-1'],
      [2, 'Data-us-west-2'],
    ] as const) {
      const configs = Object.values(synth.template(phase, id).findResources('AWS::DMS::ReplicationConfig'));
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) {
        // noteq filters: every declared market served elsewhere, never MX, TH or TR
        expect(marketsFiltered(config)).toEqual(['BR', 'CN', 'HK', 'ID', 'IN', 'MY', 'PH', 'RU', 'SG', 'TW']);
      }
    }
  });

  test("each region gets its market's rows from the site that holds them, one replication per service, its market only", () => {
    const transfers = { 1: synth.template(4, 'Transfer-us-west-1'), 2: synth.template(4, 'Transfer-us-west-2') };
    for (const [phase, services] of [
      [1, ['shop']],
      [2, ['accounts', 'messaging', 'photos']],
    ] as const) {
      const transfer = transfers[phase];
      const configs = Object.values(transfer.findResources('AWS::DMS::ReplicationConfig'));
      expect(configs).toHaveLength(services.length * MARKETS.length);
      // one market per replication, each market once per service
      expect(configs.map(marketsFiltered).sort()).toEqual(MARKETS.flatMap(([m]) => services.map(() => [m])).sort());
      for (const [market, location] of MARKETS) {
        // its peering, and routes to its VPC from both source subnets
        const cidr = synth.plan.phase(4).locations.find((l) => l.location === location)?.vpcCidr;
        transfer.resourcePropertiesCountIs('AWS::EC2::VPCPeeringConnection', { PeerRegion: location }, 1);
        transfer.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: cidr }, 2);
        // each replication of the market writes that region's database, and only it
        const endpoints = Object.values(
          transfer.findResources('AWS::DMS::Endpoint', { Properties: { EndpointType: 'target' } }),
        )
          .map((e) => e.Properties.ServerName['Fn::GetStackOutput'])
          .filter((o) => o.Region === location);
        expect(endpoints.map((o) => o.StackName)).toEqual(services.map(() => `migration-p4-markets-data-${location}`));
        for (const [, config] of Object.entries(transfer.findResources('AWS::DMS::ReplicationConfig'))) {
          const target = Object.entries(transfer.findResources('AWS::DMS::Endpoint')).find(
            ([id]) => id === config.Properties.TargetEndpointArn.Ref,
          )?.[1];
          if (target?.Properties.ServerName['Fn::GetStackOutput'].Region === location) {
            expect(marketsFiltered(config)).toEqual([market]);
          }
        }
      }
      for (const service of services) {
        transfer.hasResourceProperties('AWS::DMS::Endpoint', {
          EndpointType: 'source',
          ServerName: { 'Fn::ImportValue': `migration-p${phase}-us-west-${phase}-${service}-database-address` },
        });
      }
    }
    // Each receiving database opened only to the VPC that writes it: shop from California, the rest from Oregon.
    for (const [, location] of MARKETS) {
      const link = synth.template(4, `Link-${location}`);
      link.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, CidrIp: '10.10.0.0/16' }, 1);
      link.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, CidrIp: '10.30.0.0/16' }, 3);
      // nothing from Beijing: legacy no longer has the writes California and Oregon took
      synth.template(4, `Data-${location}`).resourceCountIs('AWS::DMS::ReplicationConfig', 0);
    }
  });

  test("phase 3's transfer into Mumbai keeps its logical IDs now that a transfer can feed several sites", () => {
    const ids = logicalIds(synth.template(3, 'Transfer-ap-southeast-1'), 'AWS::EC2::VPCPeeringConnection');
    expect(ids).toEqual(['P1Peering', 'P2Peering']);
  });
});

describe('replication credentials', () => {
  test('every replication reads its source as a user of its own: a database user has one password, and legacy and California are read by several', () => {
    const readers: string[] = [];
    for (const nested of synth.assembly.nestedAssemblies) {
      for (const artifact of nested.nestedAssembly.stacks) {
        for (const resource of Object.values(artifact.template.Resources ?? {}) as {
          Type: string;
          Properties: { EndpointType?: string; Username?: string };
        }[]) {
          if (resource.Type === 'AWS::DMS::Endpoint' && resource.Properties.EndpointType === 'source') {
            readers.push(resource.Properties.Username ?? '');
          }
        }
      }
    }
    expect(readers.length).toBeGreaterThan(20);
    expect(readers.every((name) => /^dms_reader_[0-9a-f]{8}$/.test(name))).toBe(true);
    expect(new Set(readers).size).toBe(readers.length);
  });
});

describe('Data residency of the whole app', () => {
  const plan = defaultPlan();

  test('every check ran on every stack, the CloudFormation validator in strict mode included, and found nothing unacknowledged', () => {
    const { checks, skipped } = JSON.parse(readFileSync(join(synth.directory, 'checks.json'), 'utf8'));
    const stacks = synth.assembly.nestedAssemblies.reduce((n, a) => n + a.nestedAssembly.stacks.length, 0);
    expect(checks.map((c: { name: string; scope: number }) => [c.name, c.scope])).toEqual(
      ['AwsSolutions', 'PCI.DSS.321', 'DataResidency', 'CloudFormation Validate'].map((name) => [name, stacks]),
    );
    // each timed (the bench reads these from synth.json)
    expect(checks.every((c: { seconds?: unknown }) => typeof c.seconds === 'number' && c.seconds >= 0)).toBe(true);
    expect(skipped).toEqual([]);
    expect(readValidationFailures(synth.directory, { strict: true })).toEqual([]);
  });

  test('the residency map is complete: every market, every store where its data lives', () => {
    const { markets: map, noPersonalData } = JSON.parse(
      readFileSync(join(synth.directory, 'residency.json'), 'utf8'),
    ) as ResidencyJson;
    expect(Object.keys(map).sort()).toEqual([...plan.platform.markets.map((m) => m.code), '*'].sort());
    // India is in Singapore (phases 1, 2) and Mumbai (phase 3); CDN logs of Indian viewers are in California.
    expect(Object.keys(map.IN.stores).sort()).toEqual(['ap-south-1', 'ap-southeast-1', 'us-west-1']);
    expect(map.IN.stores['ap-south-1']).toEqual(
      expect.arrayContaining([
        {
          stack: 'migration-p3-incountry-data-ap-south-1',
          logicalId: 'PhotosObjectsA7C40916',
          type: 'AWS::S3::Bucket',
        },
        {
          stack: 'migration-p3-incountry-data-ap-south-1',
          logicalId: 'ShopDatabaseCluster8B2FBB17',
          type: 'AWS::RDS::DBCluster',
        },
      ]),
    );
    // China's and Russia's data is nowhere on AWS.
    expect(map.CN.stores).toEqual({});
    expect(map.RU.stores).toEqual({});
    // The new markets: where the rest of the world was (California, Oregon) and their own regions.
    expect(Object.keys(map.MX.stores).sort()).toEqual(['mx-central-1', 'us-west-1', 'us-west-2']);
    expect(Object.keys(map.TH.stores).sort()).toEqual(['ap-southeast-7', 'us-west-1', 'us-west-2']);
    expect(Object.keys(map.TR.stores).sort()).toEqual(['eu-central-1', 'us-west-1', 'us-west-2']);
    // Every location in the map is one the market allows.
    for (const [market, entry] of Object.entries(map)) {
      if (market === '*') continue;
      for (const location of Object.keys(entry.stores))
        expect([market, entry.allowedLocations]).toEqual([market, expect.arrayContaining([location])]);
    }
    // Every declaration of "no personal data" is listed with its reason, for reviewers.
    expect(noPersonalData.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        'Phase1/Edge-us-east-1',
        'Phase3/Link-ap-south-1',
        'Phase1/Service-us-west-1/Alarms/Topic',
      ]),
    );
    for (const d of noPersonalData) expect(d.reason.length).toBeGreaterThan(20);
  });
});
