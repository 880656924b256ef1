import { Match } from 'aws-cdk-lib/assertions';
import { defaultAssembly, logicalIds } from '../support/harness';
import { asPairs, CDN_LOGS, EDGE_STACK, pinnedDataStack, statefulIds } from '../support/pinned-logical-ids';

// The default plan as `cdk synth` builds it, every check on (synthesized once per test run).
const synth = defaultAssembly();

const STACKS = [
  'Data-us-west-1',
  'Service-us-west-1',
  'Data-ap-southeast-1',
  'Service-ap-southeast-1',
  'Edge-us-east-1',
];

describe('Phase 1 composition', () => {
  test('has a data and a service stack per region, a health and an edge stack in us-east-1, and its watch stacks', () => {
    const stacks = synth.stackIds(1).map((id) => [id, synth.artifact(1, id)] as const);
    expect(stacks.map(([id, s]) => [id, s.environment.region, s.stackName])).toEqual([
      ['Data-us-west-1', 'us-west-1', 'migration-p1-commerce-data-us-west-1'],
      ['Service-us-west-1', 'us-west-1', 'migration-p1-commerce-service-us-west-1'],
      ['Data-ap-southeast-1', 'ap-southeast-1', 'migration-p1-commerce-data-ap-southeast-1'],
      ['Service-ap-southeast-1', 'ap-southeast-1', 'migration-p1-commerce-service-ap-southeast-1'],
      ['Health-us-east-1', 'us-east-1', 'migration-p1-commerce-health-us-east-1'],
      ['Edge-us-east-1', 'us-east-1', 'migration-p1-commerce-edge-us-east-1'],
      // Goal canaries near each market, and the exit criteria in us-west-1 (test/phases/goals.test.ts).
      ['Watch-us-west-1', 'us-west-1', 'migration-p1-commerce-watch-us-west-1'],
      ['Watch-us-east-2', 'us-east-2', 'migration-p1-commerce-watch-us-east-2'],
      // Mexico, Thailand and Turkey, which us-west-1 serves by name
      ['Watch-mx-central-1', 'mx-central-1', 'migration-p1-commerce-watch-mx-central-1'],
      ['Watch-ap-southeast-7', 'ap-southeast-7', 'migration-p1-commerce-watch-ap-southeast-7'],
      ['Watch-il-central-1', 'il-central-1', 'migration-p1-commerce-watch-il-central-1'],
      ['Watch-ap-southeast-1', 'ap-southeast-1', 'migration-p1-commerce-watch-ap-southeast-1'],
      ['Watch-ap-east-1', 'ap-east-1', 'migration-p1-commerce-watch-ap-east-1'],
      ['Watch-ap-east-2', 'ap-east-2', 'migration-p1-commerce-watch-ap-east-2'],
      ['Watch-ap-southeast-5', 'ap-southeast-5', 'migration-p1-commerce-watch-ap-southeast-5'],
      ['Watch-ap-southeast-3', 'ap-southeast-3', 'migration-p1-commerce-watch-ap-southeast-3'],
      ['Watch-ap-south-1', 'ap-south-1', 'migration-p1-commerce-watch-ap-south-1'],
    ]);
  });

  test('stateful stacks have termination protection; service stacks do not need it', () => {
    expect(STACKS.map((id) => [id, synth.artifact(1, id).terminationProtection])).toEqual([
      ['Data-us-west-1', true],
      ['Service-us-west-1', false],
      ['Data-ap-southeast-1', true],
      ['Service-ap-southeast-1', false],
      ['Edge-us-east-1', true],
    ]);
  });

  test.each(STACKS)('%s matches its snapshot', (id) => {
    expect(synth.template(1, id).toJSON()).toMatchSnapshot();
  });
});

describe('Phase 1 data stacks', () => {
  const data = () => synth.template(1, 'Data-us-west-1');

  test('the database is Aurora PostgreSQL Serverless v2, encrypted with the regional key, IAM auth, deletion protection', () => {
    data().hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [logicalIds(data(), 'AWS::KMS::Key').find((id) => id.startsWith('DataKey')), 'Arn'] },
      DeletionProtection: true,
      EnableIAMDatabaseAuthentication: true,
      BackupRetentionPeriod: 14,
      ManageMasterUserPassword: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
    });
    data().hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    // a writer and a reader
    data().resourceCountIs('AWS::RDS::DBInstance', 2);
  });

  test('every bucket blocks public access, is versioned, and is retained', () => {
    for (const bucket of Object.values(data().findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });

  test('keys rotate and are retained', () => {
    data().allResources('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });

  test('the VPC spans two zones of the account with flow logs and a VPN to the legacy data center', () => {
    data().hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.10.0.0/16' });
    data().hasResourceProperties('AWS::EC2::Subnet', {
      AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
      MapPublicIpOnLaunch: false,
    });
    data().hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    // The customer gateway is the Account stage's (one per region and peer), imported by name.
    data().resourceCountIs('AWS::EC2::CustomerGateway', 0);
    data().hasResourceProperties('AWS::EC2::VPNConnection', {
      CustomerGatewayId: { 'Fn::ImportValue': 'migration-customer-gateway-bj-legacy' },
      StaticRoutesOnly: false,
      VpnTunnelOptionsSpecifications: Match.arrayEquals([
        Match.objectLike({ IKEVersions: [{ Value: 'ikev2' }] }),
        Match.objectLike({ IKEVersions: [{ Value: 'ikev2' }] }),
      ]),
    });
  });

  test('the legacy database replicates continuously, each plan table by exact name, only rows of the markets each region serves', () => {
    const tablesOf = (template: ReturnType<typeof data>) => {
      const config = Object.values(template.findResources('AWS::DMS::ReplicationConfig'))[0];
      expect(config.Properties).toMatchObject({
        ReplicationType: 'full-load-and-cdc',
        ComputeConfig: { MultiAZ: true },
      });
      return config.Properties.TableMappings.rules as {
        'object-locator': { 'table-name': string };
        'rule-action': string;
        filters: { 'filter-conditions': { 'filter-operator': string; value: string }[] }[];
      }[];
    };
    const tables = synth.plan.service('shop').database?.legacyTables ?? [];
    // California serves US and the rest of the world: every row whose market is served elsewhere is left out.
    const california = tablesOf(data());
    expect(california.map((r) => r['object-locator']['table-name'])).toEqual(
      tables.map((t) => t.replaceAll('_', '[_]')),
    );
    for (const rule of california) {
      expect(rule['rule-action']).toBe('include');
      expect(rule.filters.flatMap((f) => f['filter-conditions'])).toEqual(
        ['SG', 'HK', 'TW', 'MY', 'ID', 'PH', 'IN', 'BR', 'CN', 'RU'].map((value) => ({
          'filter-operator': 'noteq',
          value,
        })),
      );
    }
    // Singapore serves no rest-of-world rows, and China's rows never leave Beijing.
    const singapore = synth.template(1, 'Data-ap-southeast-1');
    for (const rule of tablesOf(singapore)) {
      expect(rule.filters).toHaveLength(1);
      expect(rule.filters[0]['filter-conditions'].map((c) => c.value)).toEqual([
        'SG',
        'HK',
        'TW',
        'MY',
        'ID',
        'PH',
        'IN',
      ]);
    }
    // Both endpoints require TLS; passwords are Secrets Manager dynamic references, never text.
    for (const endpoint of Object.values(singapore.findResources('AWS::DMS::Endpoint'))) {
      expect(endpoint.Properties.SslMode).toBe('require');
      expect(JSON.stringify(endpoint.Properties.Password)).toContain('{{resolve:secretsmanager:');
    }
  });

  test('us-west-1 keeps the CDN logs in a bucket the edge stack can find by name', () => {
    data().hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'migration-p1-cdn-logs-111111111111-us-west-1',
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    });
    synth
      .template(1, 'Data-ap-southeast-1')
      .resourcePropertiesCountIs('AWS::S3::Bucket', { BucketName: Match.anyValue() }, 0);
  });

  // A rename replaces a stateful resource: it must fail this small test, not only a snapshot.
  test.each([
    ['Data-us-west-1', pinnedDataStack(['shop'], CDN_LOGS)],
    ['Data-ap-southeast-1', pinnedDataStack(['shop'])],
    ['Edge-us-east-1', EDGE_STACK],
  ])('%s pins the logical IDs of its stateful resources', (stack, pinned) => {
    expect(statefulIds(synth.template(1, stack), pinned)).toEqual(asPairs(pinned));
  });
});

describe('Phase 1 service stacks', () => {
  const service = () => synth.template(1, 'Service-us-west-1');

  test('the Fargate service rolls back a failed deployment and runs in private subnets', () => {
    service().hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    service().hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
  });

  test('the load balancer serves HTTPS with a TLS 1.2+ policy and redirects HTTP', () => {
    service().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
    });
    service().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'redirect',
          RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }),
        },
      ],
    });
    service().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        // Stateless: the service stack must be deletable (see every-environment.test.ts).
        { Key: 'deletion_protection.enabled', Value: 'false' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    service().resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    service().hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
  });

  test('the certificate covers the service name and every market name under it', () => {
    service().hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'shop.shop.example.com',
      SubjectAlternativeNames: ['*.shop.shop.example.com'],
      ValidationMethod: 'DNS',
    });
  });

  test('autoscaling follows CPU and requests per target between the plan bounds', () => {
    service().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 12 });
    service().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });

  test('the routing owner (us-west-1) writes a geolocation record per market and a default', () => {
    const geo = Object.values(
      service().findResources('AWS::Route53::RecordSet', { Properties: { GeoLocation: Match.anyValue() } }),
    )
      .map((r) => r.Properties.GeoLocation.CountryCode)
      .sort();
    expect(geo).toEqual(['*', ...synth.plan.platform.markets.map((m) => m.code)].sort());
    // China is served by no phase: its name answers with legacy alone
    service().hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'cn.shop.shop.example.com.',
      Type: 'CNAME',
      SetIdentifier: 'legacy',
      Weight: 1,
      ResourceRecords: ['origin.bj.example.com'],
    });
    // India is served by phases 1 and 3: their layers are the fallback, the owner keeps no legacy record
    service().resourcePropertiesCountIs(
      'AWS::Route53::RecordSet',
      { Name: 'in.shop.shop.example.com.', SetIdentifier: 'legacy' },
      0,
    );
  });

  test('the rest of the world goes by latency to the nearest site serving it, then by weight against legacy', () => {
    service().hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'world.shop.shop.example.com.',
      Type: 'CNAME',
      Region: 'us-west-1',
      SetIdentifier: 'p1-us-west-1',
      ResourceRecords: ['world-p1-us-west-1.shop.shop.example.com'],
      HealthCheckId: Match.anyValue(),
    });
    service().hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'world-p1-us-west-1.shop.shop.example.com.',
      SetIdentifier: 'legacy',
      Weight: 0,
      ResourceRecords: ['origin.bj.example.com'],
    });
    // Singapore does not serve "*" in phase 1: no latency record there
    synth
      .template(1, 'Service-ap-southeast-1')
      .resourcePropertiesCountIs('AWS::Route53::RecordSet', { Region: Match.anyValue() }, 0);
  });

  test("Singapore writes only its own layer of each market: its site at phase 1's cutover, the rest to legacy", () => {
    const sg = synth.template(1, 'Service-ap-southeast-1');
    sg.resourcePropertiesCountIs('AWS::Route53::RecordSet', { GeoLocation: Match.anyValue() }, 0);
    // India's name points at phase 1's layer with weight 0: phase 3 serves India too, and the latest phase wins
    sg.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'in.shop.shop.example.com.',
      SetIdentifier: 'p1',
      Weight: 0,
      ResourceRecords: ['p1.in.shop.shop.example.com'],
    });
    sg.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p1.in.shop.shop.example.com.',
      SetIdentifier: 'p1-ap-southeast-1',
      Weight: 100,
      HealthCheckId: Match.anyValue(),
    });
    // at 100 % the way down to legacy is only the failover when the site's health check fails
    sg.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'p1.in.shop.shop.example.com.',
      SetIdentifier: 'below',
      Weight: 0,
      ResourceRecords: ['origin.bj.example.com'],
      HealthCheckId: Match.anyValue(),
    });
    sg.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', Port: 443, ResourcePath: '/' }),
    });
  });

  test('alarms cover latency, 5xx rate, unhealthy hosts and the database, to an encrypted topic', () => {
    const alarms = Object.keys(service().findResources('AWS::CloudWatch::Alarm')).map((id) =>
      id.replace(/[0-9A-F]{8}$/, ''),
    );
    expect(alarms).toEqual(
      expect.arrayContaining([
        'AlarmsShopLatencyP99',
        'AlarmsShopErrorRate',
        'AlarmsShopUnhealthyHosts',
        'AlarmsShopDatabaseCpu',
        'AlarmsShopDatabaseConnections',
        'AlarmsShopDatabaseFreeMemory',
      ]),
    );
    service().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    service().resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('the alarm topic keeps its logical ID, so e-mail subscribers need not confirm again', () => {
    expect(logicalIds(service(), 'AWS::SNS::Topic')).toEqual(['AlarmsTopic3A2DFEBA']);
  });
});

describe('Phase 1 edge stack', () => {
  const edge = () => synth.template(1, 'Edge-us-east-1');

  test('CloudFront reads the bucket through Origin Access Control, never an OAI', () => {
    edge().resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    edge().resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  test('viewers get TLS 1.2_2021+, HTTP/2 and HTTP/3, WAF, security headers, and logs in us-west-1', () => {
    edge().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        HttpVersion: 'http2and3',
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        WebACLId: Match.anyValue(),
        Logging: Match.objectLike({
          Bucket: Match.stringLikeRegexp('^migration-p1-cdn-logs-111111111111-us-west-1\\.s3\\.us-west-1\\.'),
        }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
      }),
    });
    edge().hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
  });

  test('/api/* goes to the regional API name uncached over HTTPS', () => {
    edge().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            // CachingDisabled, an AWS managed cache policy
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
            ViewerProtocolPolicy: 'https-only',
          }),
        ],
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: 'shop.shop.example.com',
            CustomOriginConfig: Match.objectLike({
              OriginProtocolPolicy: 'https-only',
              OriginSSLProtocols: ['TLSv1.2'],
            }),
          }),
        ]),
      }),
    });
  });

  test('/api/* requests carry the marker the regional web ACLs count per edge address', () => {
    edge().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: 'shop.shop.example.com',
            OriginCustomHeaders: [{ HeaderName: 'x-cdn-origin', HeaderValue: 'cloudfront' }],
          }),
        ]),
      }),
    });
  });

  test('a 5xx error rate alarm on the distribution notifies its own encrypted topic', () => {
    edge().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
    edge().hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmTopicKey'), 'Arn'] },
    });
  });

  test('markets whose data may not sit with the CDN logs are refused at the edge', () => {
    edge().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Restrictions: { GeoRestriction: { RestrictionType: 'blacklist', Locations: ['CN', 'RU'] } },
      }),
    });
  });
});
