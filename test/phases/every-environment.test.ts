/**
 * Invariants of the whole app, over every environment in phases/platform.yaml: each is
 * synthesized once (see `synthesizeEnvironment`), every phase and stage included.
 */
import { type DeployedStack, defaultPlan, synthesizeEnvironment } from '../support/harness';
import { evaluate, rateCounters, type WafRequest } from '../support/waf-model';

// biome-ignore lint/suspicious/noExplicitAny: template JSON
type Json = any;

const plan = defaultPlan();
const ENVIRONMENTS = Object.keys(plan.platform.environments);

let stacks: DeployedStack[];
beforeAll(() => {
  stacks = ENVIRONMENTS.flatMap((environment) => synthesizeEnvironment(environment));
});

const resources = (stack: DeployedStack, type: string): [string, Json][] =>
  Object.entries(stack.template.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);

/**
 * A template value as the text it becomes once deployed, or undefined when it depends on another
 * resource (a name CloudFormation generates is no fixed name). Pseudo parameters resolve from the
 * stack; `AWS::StackId` ends in a UUID that is new for every creation of the stack.
 */
function literal(value: Json, stack: DeployedStack): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    const parts = value.map((v) => literal(v, stack));
    return parts.every((p): p is string => typeof p === 'string') ? parts : undefined;
  }
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': stack.region,
    'AWS::AccountId': stack.account,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackId': `arn:aws:cloudformation:${stack.region}:${stack.account}:stack/${stack.stackName}/uuid-of-this-creation`,
  };
  if ('Ref' in value) return pseudo[value.Ref];
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    const resolved = literal(parts, stack);
    return Array.isArray(resolved) ? resolved.join(separator) : undefined;
  }
  if ('Fn::Split' in value) {
    const [separator, text] = value['Fn::Split'];
    const resolved = literal(text, stack);
    return typeof resolved === 'string' ? resolved.split(separator) : undefined;
  }
  if ('Fn::Select' in value) {
    const [index, list] = value['Fn::Select'];
    const resolved = literal(list, stack);
    return Array.isArray(resolved) ? resolved[index] : undefined;
  }
  return undefined;
}

describe('physical names', () => {
  /** Where AWS keeps a kind of name unique. */
  type Scope = 'partition' | 'account' | 'region' | 'zone';
  interface NameProperty {
    /** Reads the name (or names) from a resource's properties. */
    readonly read: (properties: Json) => Json;
    readonly scope: Scope;
  }
  const name = (property: string, scope: Scope): NameProperty => ({ read: (p) => p[property], scope });

  /**
   * Every property that gives a resource a physical name, by type. S3 bucket names are unique
   * across all accounts; IAM, CloudFront, dashboards and organization policies per account; the
   * rest per account and region; DNS records per hosted zone.
   */
  const PHYSICAL_NAMES: Record<string, NameProperty[]> = {
    'AWS::S3::Bucket': [name('BucketName', 'partition')],
    'AWS::IAM::Role': [name('RoleName', 'account')],
    'AWS::IAM::ManagedPolicy': [name('ManagedPolicyName', 'account')],
    'AWS::IAM::User': [name('UserName', 'account')],
    'AWS::IAM::Group': [name('GroupName', 'account')],
    'AWS::IAM::InstanceProfile': [name('InstanceProfileName', 'account')],
    'AWS::Organizations::Policy': [name('Name', 'account')],
    'AWS::CloudWatch::Dashboard': [name('DashboardName', 'account')],
    // CloudFront refuses an alias another distribution has in any account. demo is a
    // never-deployed stand-in for prod on prod's domain, so aliases are compared per account.
    'AWS::CloudFront::Distribution': [{ read: (p) => p.DistributionConfig?.Aliases, scope: 'account' }],
    'AWS::CloudFront::OriginAccessControl': [{ read: (p) => p.OriginAccessControlConfig?.Name, scope: 'account' }],
    'AWS::CloudFront::CachePolicy': [{ read: (p) => p.CachePolicyConfig?.Name, scope: 'account' }],
    'AWS::CloudFront::OriginRequestPolicy': [{ read: (p) => p.OriginRequestPolicyConfig?.Name, scope: 'account' }],
    'AWS::CloudFront::ResponseHeadersPolicy': [{ read: (p) => p.ResponseHeadersPolicyConfig?.Name, scope: 'account' }],
    'AWS::CloudFront::Function': [name('Name', 'account')],
    'AWS::RDS::DBCluster': [name('DBClusterIdentifier', 'region')],
    'AWS::RDS::DBInstance': [name('DBInstanceIdentifier', 'region')],
    'AWS::RDS::DBSubnetGroup': [name('DBSubnetGroupName', 'region')],
    'AWS::RDS::DBClusterParameterGroup': [name('DBClusterParameterGroupName', 'region')],
    'AWS::DMS::ReplicationConfig': [name('ReplicationConfigIdentifier', 'region')],
    // A customer gateway's device name tells two gateways of one address and ASN apart in a region.
    'AWS::EC2::CustomerGateway': [name('DeviceName', 'region')],
    'AWS::DMS::ReplicationInstance': [name('ReplicationInstanceIdentifier', 'region')],
    'AWS::DMS::ReplicationSubnetGroup': [name('ReplicationSubnetGroupIdentifier', 'region')],
    'AWS::DMS::Endpoint': [name('EndpointIdentifier', 'region')],
    'AWS::Logs::LogGroup': [name('LogGroupName', 'region')],
    'AWS::SecretsManager::Secret': [name('Name', 'region')],
    'AWS::KMS::Alias': [name('AliasName', 'region')],
    'AWS::SNS::Topic': [name('TopicName', 'region')],
    'AWS::SQS::Queue': [name('QueueName', 'region')],
    'AWS::Lambda::Function': [name('FunctionName', 'region')],
    'AWS::ECS::Cluster': [name('ClusterName', 'region')],
    'AWS::ECS::TaskDefinition': [name('Family', 'region')],
    'AWS::ElasticLoadBalancingV2::LoadBalancer': [name('Name', 'region')],
    'AWS::ElasticLoadBalancingV2::TargetGroup': [name('Name', 'region')],
    'AWS::CloudWatch::Alarm': [name('AlarmName', 'region')],
    'AWS::CloudWatch::CompositeAlarm': [name('AlarmName', 'region')],
    'AWS::Synthetics::Canary': [name('Name', 'region')],
    'AWS::WAFv2::WebACL': [{ read: (p) => p.Name && `${p.Scope}/${p.Name}`, scope: 'region' }],
    'AWS::EC2::LaunchTemplate': [name('LaunchTemplateName', 'region')],
    'AWS::Route53::RecordSet': [
      { read: (p) => [p.HostedZoneId, p.Name, p.Type, p.SetIdentifier ?? ''].join(' '), scope: 'zone' },
    ],
  };

  /**
   * Name-like properties that are not a resource's own physical name, with why. A new one fails
   * the guard test below until someone decides which table it belongs in.
   */
  const NOT_PHYSICAL_NAMES: Record<string, string> = {
    'AWS::IAM::Policy PolicyName': 'an inline policy, named within the roles it is attached to',
    'AWS::ApplicationAutoScaling::ScalingPolicy PolicyName': 'named within its scalable target',
    'AWS::CertificateManager::Certificate DomainName': 'the name the certificate covers; many may cover it',
    'AWS::DMS::Endpoint DatabaseName': 'a database inside the engine it connects to',
    'AWS::DMS::Endpoint EngineName': 'an engine type',
    'AWS::DMS::Endpoint ServerName': 'the host it connects to',
    'AWS::RDS::DBCluster DatabaseName': 'the database created inside the cluster',
    'AWS::RDS::DBCluster DBClusterParameterGroupName': 'a reference to the parameter group it uses',
    'AWS::RDS::DBCluster DBSubnetGroupName': 'a reference to the subnet group it uses',
    'AWS::RDS::DBClusterParameterGroup Family': 'an engine family',
    'AWS::RDS::DBInstance DBClusterIdentifier': 'a reference to its cluster',
    'AWS::EC2::FlowLog LogGroupName': 'a reference to the log group it writes to',
    'AWS::EC2::VPCEndpoint ServiceName': 'the AWS service it connects to',
    'AWS::CloudWatch::Alarm MetricName': 'the metric it watches',
  };

  test('every name-like property of every resource type is classified', () => {
    const unclassified = new Set<string>();
    for (const stack of stacks) {
      for (const resource of Object.values(stack.template.Resources as Record<string, Json>)) {
        const named = (PHYSICAL_NAMES[resource.Type] ?? []).length > 0;
        for (const key of Object.keys(resource.Properties ?? {})) {
          if (!/(Name|Identifier|Family)$/.test(key)) continue;
          const id = `${resource.Type} ${key}`;
          const classified =
            id in NOT_PHYSICAL_NAMES || (named && PHYSICAL_NAMES[resource.Type].some((p) => p.read({ [key]: 'x' })));
          if (!classified) unclassified.add(id);
        }
      }
    }
    expect([...unclassified].sort()).toEqual([]);
  });

  test('no two stacks, in any phase or environment, declare the same physical name in its scope', () => {
    const owners = new Map<string, Set<string>>();
    for (const stack of stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources as Record<string, Json>)) {
        for (const { read, scope } of PHYSICAL_NAMES[resource.Type] ?? []) {
          const value = literal(read(resource.Properties ?? {}), stack);
          if (value === undefined) continue;
          const where = {
            partition: 'aws',
            account: stack.account,
            region: `${stack.account}/${stack.region}`,
            zone: '',
          }[scope];
          for (const physical of [value].flat()) {
            const key = `${resource.Type} ${where} ${physical}`;
            // A stack is its name in its account and region: environments that share an
            // account (the organization's guardrails) deploy one stack, not two.
            const owner = `${stack.account}/${stack.region}/${stack.stackName}/${logicalId}`;
            owners.set(key, new Set([...(owners.get(key) ?? []), owner]));
          }
        }
      }
    }
    const shared = [...owners].filter(([, by]) => by.size > 1).map(([key, by]) => [key, [...by].sort()]);
    expect(shared).toEqual([]);
    // The check compares something: fixed names exist in every scope it knows.
    expect([...owners.keys()].map((k) => k.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'AWS::S3::Bucket',
        'AWS::IAM::Role',
        'AWS::RDS::DBCluster',
        'AWS::DMS::ReplicationConfig',
        'AWS::Logs::LogGroup',
        'AWS::Route53::RecordSet',
      ]),
    );
  });
});

test('a stack that several environments deploy (same account, region and name) is the same template in each', () => {
  const byIdentity = new Map<string, DeployedStack[]>();
  for (const stack of stacks) {
    const identity = `${stack.account}/${stack.region}/${stack.stackName}`;
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), stack]);
  }
  const shared = [...byIdentity].filter(([, same]) => same.length > 1);
  for (const [identity, [first, ...others]] of shared) {
    for (const other of others) expect([identity, other.template]).toEqual([identity, first.template]);
  }
  expect(shared.map(([identity]) => identity)).toEqual([
    '999999999999/us-east-1/migration-organization-guardrails-us-east-1',
  ]);
});

describe('replication credentials', () => {
  test('no two replications, in any phase or environment, read their source as the same database user', () => {
    // Every environment replicates from the one legacy database; a database user has one password.
    const readers = stacks.flatMap((stack) =>
      resources(stack, 'AWS::DMS::Endpoint')
        .filter(([, r]) => r.Properties.EndpointType === 'source')
        .map(([, r]) => r.Properties.Username as string),
    );
    expect(readers.length).toBeGreaterThan(ENVIRONMENTS.length * 20);
    expect(readers.filter((name, i) => readers.indexOf(name) !== i)).toEqual([]);
  });
});

describe('alarms', () => {
  const CLOUDWATCH = 'cloudwatch.amazonaws.com';
  const statements = (document: Json): Json[] => [document.Statement].flat();
  const actions = (statement: Json): string[] => [statement.Action].flat();

  /** The topic's own stack's policy statement that lets CloudWatch alarms of its account publish, if any. */
  function cloudWatchStatement(stack: DeployedStack, topicId: string): Json | undefined {
    return resources(stack, 'AWS::SNS::TopicPolicy')
      .filter(([, p]) => p.Properties.Topics.some((t: Json) => t.Ref === topicId))
      .flatMap(([, p]) => statements(p.Properties.PolicyDocument))
      .find((s) => s.Effect === 'Allow' && s.Principal?.Service === CLOUDWATCH && actions(s).includes('sns:Publish'));
  }

  /** The key policy behind a topic's KmsMasterKeyId, in this stack or (by output) in another. */
  function keyPolicy(stack: DeployedStack, keyRef: Json): Json {
    let owner = stack;
    let ref = keyRef;
    const output = keyRef['Fn::GetStackOutput'];
    if (output) {
      const found = stacks.find(
        (s) => s.environment === stack.environment && s.stackName === output.StackName && s.region === output.Region,
      );
      if (!found) throw new Error(`${stack.path}: no stack ${output.StackName} in ${output.Region}`);
      owner = found;
      ref = owner.template.Outputs[output.OutputName].Value;
    }
    const keyId = ref['Fn::GetAtt']?.[0] ?? ref.Ref;
    return owner.template.Resources[keyId].Properties.KeyPolicy;
  }

  test('every alarm of every stack notifies a topic of its own stack that CloudWatch may publish to', () => {
    const problems: string[] = [];
    let alarms = 0;
    for (const stack of stacks) {
      const topics = new Map(resources(stack, 'AWS::SNS::Topic'));
      for (const [alarmId, alarm] of resources(stack, 'AWS::CloudWatch::Alarm')) {
        alarms += 1;
        const targets = (alarm.Properties.AlarmActions ?? [])
          .map((a: Json) => a.Ref)
          .filter((id: string) => topics.has(id));
        const usable = targets.filter((id: string) => cloudWatchStatement(stack, id));
        if (usable.length === 0) problems.push(`${stack.environment}:${stack.path}/${alarmId}`);
      }
    }
    expect(problems).toEqual([]);
    expect(alarms).toBeGreaterThan(0);
  });

  test("every alarm topic accepts CloudWatch only from this account's alarms in its region, and its key lets CloudWatch use it", () => {
    const topics = stacks.flatMap((stack) =>
      resources(stack, 'AWS::SNS::Topic').map(([id, topic]) => ({ stack, id, topic })),
    );
    expect(topics.length).toBeGreaterThan(0);
    for (const { stack, id, topic } of topics) {
      expect([stack.path, id, cloudWatchStatement(stack, id)?.Condition]).toEqual([
        stack.path,
        id,
        {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      ]);
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
      expect([stack.path, id, keyLets(stack, topic, CLOUDWATCH)]).toEqual([stack.path, id, true]);
    }
  });

  /** Whether the key of a topic lets a service of the topic's account encrypt for it. */
  function keyLets(stack: DeployedStack, topic: Json, service: string): boolean {
    return statements(keyPolicy(stack, topic.Properties.KmsMasterKeyId)).some(
      (s) =>
        s.Effect === 'Allow' &&
        [s.Principal?.Service].flat().includes(service) &&
        ['kms:Decrypt', 'kms:GenerateDataKey*'].every((a) => actions(s).includes(a)) &&
        s.Condition?.StringEquals?.['aws:SourceAccount'] === stack.account,
    );
  }

  test('every stack that runs a DMS replication mails its state changes through a topic of its own that lets only that rule publish, under a key EventBridge may use', () => {
    // https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-dms.html
    const replicating = stacks.filter((stack) => resources(stack, 'AWS::DMS::ReplicationConfig').length > 0);
    expect(replicating.length).toBeGreaterThan(0);
    for (const stack of replicating) {
      const rules = resources(stack, 'AWS::Events::Rule');
      expect([stack.path, rules.map(([, r]) => r.Properties.EventPattern)]).toEqual([
        stack.path,
        [{ source: ['aws.dms'], 'detail-type': ['DMS Replication State Change'] }],
      ]);
      const [[ruleId, rule]] = rules;
      const [target] = rule.Properties.Targets;
      expect([stack.path, target.RoleArn]).toEqual([stack.path, undefined]);
      const topicId = target.Arn.Ref;
      const [, topic] = resources(stack, 'AWS::SNS::Topic').find(([id]) => id === topicId) ?? [];
      expect([stack.path, topic !== undefined]).toEqual([stack.path, true]);
      const publishers = resources(stack, 'AWS::SNS::TopicPolicy')
        .filter(([, p]) => p.Properties.Topics.some((t: Json) => t.Ref === topicId))
        .flatMap(([, p]) => statements(p.Properties.PolicyDocument))
        .filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'events.amazonaws.com');
      expect([stack.path, publishers.map((s) => [actions(s), s.Condition])]).toEqual([
        stack.path,
        [[['sns:Publish'], { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } }]],
      ]);
      expect([stack.path, keyLets(stack, topic, 'events.amazonaws.com')]).toEqual([stack.path, true]);
    }
    // Stacks without a replication keep their keys and topics closed to EventBridge.
    const quiet = stacks.filter((s) => /\/(Data|Site)-/.test(s.path) && !replicating.includes(s));
    expect(quiet.length).toBeGreaterThan(0);
    for (const stack of quiet) {
      for (const [, topic] of resources(stack, 'AWS::SNS::Topic')) {
        expect([stack.path, keyLets(stack, topic, 'events.amazonaws.com')]).toEqual([stack.path, false]);
      }
    }
  });

  test('the edge stack alarms on the CDN error rate with the dimensions CloudFront publishes', () => {
    for (const environment of ENVIRONMENTS) {
      const edge = stacks.find((s) => s.environment === environment && s.path === 'Phase1/Edge-us-east-1');
      const [[, alarm]] = resources(edge as DeployedStack, 'AWS::CloudWatch::Alarm');
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/CloudFront',
        MetricName: '5xxErrorRate',
        Dimensions: expect.arrayContaining([{ Name: 'Region', Value: 'Global' }]),
      });
    }
  });
});

describe('service stacks can be deleted and created again', () => {
  const services = () => stacks.filter((s) => /\/Service-/.test(s.path));

  test('load balancers have no deletion protection', () => {
    for (const stack of services()) {
      for (const [, lb] of resources(stack, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
        expect(lb.Properties.LoadBalancerAttributes).toContainEqual({
          Key: 'deletion_protection.enabled',
          Value: 'false',
        });
      }
    }
  });

  test('they hold no data stores, and what they keep after a delete has no name a new creation reuses', () => {
    for (const stack of services()) {
      const types = new Set(Object.values(stack.template.Resources as Record<string, Json>).map((r) => r.Type));
      for (const store of ['AWS::S3::Bucket', 'AWS::RDS::DBCluster', 'AWS::DynamoDB::Table', 'AWS::EFS::FileSystem']) {
        expect([stack.path, types.has(store)]).toEqual([stack.path, false]);
      }
      for (const [id, resource] of Object.entries(stack.template.Resources as Record<string, Json>)) {
        if (resource.DeletionPolicy !== 'Retain') continue;
        const fixed = literal(resource.Properties?.LogGroupName, stack);
        // Retained resources are log groups: named by CloudFormation, or by the stack creation's UUID.
        expect([id, resource.Type]).toEqual([id, 'AWS::Logs::LogGroup']);
        if (fixed !== undefined) expect([id, fixed]).toEqual([id, expect.stringMatching(/uuid-of-this-creation$/)]);
      }
    }
  });
});

describe('web ACLs', () => {
  const acls = (environment: string) =>
    stacks
      .filter((s) => s.environment === environment)
      .flatMap((stack) =>
        resources(stack, 'AWS::WAFv2::WebACL').map(([id, acl]) => ({
          at: `${stack.path}/${id}`,
          service: /\/Service-/.test(stack.path) ? id.replace(/WebAcl[0-9A-F]{8}$/, '').toLowerCase() : 'edge',
          acl,
        })),
      );
  const regional = () => acls(plan.platform.defaultEnvironment).filter((a) => a.service !== 'edge');
  const upload = (path: string, bodyBytes = 9 * 1024): WafRequest => ({ method: 'POST', path, bodyBytes });

  test('every regional web ACL blocks bodies over 8 KB on every path, photo sync included: uploads go to S3', () => {
    const verdicts = regional().map(({ at, service, acl }) => [
      at,
      service,
      evaluate(acl, upload('/uploads/2024/holiday.jpg')),
      evaluate(acl, { method: 'PUT', path: '/uploads/2024/holiday.jpg', bodyBytes: 5 * 1024 * 1024 }).action,
      evaluate(acl, upload('/api/albums')).action,
      evaluate(acl, upload('/api/albums', 4 * 1024)).action,
    ]);
    expect(verdicts.map((v) => v[1])).toContain('photos');
    for (const [at, , upload9k, upload5m, elsewhere, small] of verdicts) {
      expect([at, upload9k, upload5m, elsewhere, small]).toEqual([
        at,
        {
          action: 'BLOCK',
          rule: 'AWSManagedRulesCommonRuleSet:SizeRestrictions_BODY',
          labels: ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'],
        },
        'BLOCK',
        'BLOCK',
        'ALLOW',
      ]);
    }
  });

  test('rate limits count viewers at the edge and direct clients, not CloudFront, at each region', () => {
    const edge = stacks.find((s) => s.environment === 'demo' && s.path === 'Phase1/Edge-us-east-1') as DeployedStack;
    const [[, distribution]] = resources(edge, 'AWS::CloudFront::Distribution');
    const api = distribution.Properties.DistributionConfig.Origins.find((o: Json) => o.CustomOriginConfig);
    const viaCloudFront: WafRequest = {
      method: 'GET',
      path: '/api/cart',
      headers: Object.fromEntries(api.OriginCustomHeaders.map((h: Json) => [h.HeaderName, h.HeaderValue])),
    };
    const direct: WafRequest = { method: 'GET', path: '/api/cart' };
    for (const { at, service, acl } of acls('demo')) {
      if (service === 'edge') {
        // The distribution's ACL sees the viewer's own address.
        expect([at, rateCounters(acl, direct)]).toEqual([at, ['RateLimitPerIp']]);
        continue;
      }
      expect([at, rateCounters(acl, direct), rateCounters(acl, viaCloudFront)]).toEqual([
        at,
        ['RateLimitPerIp'],
        ['RateLimitPerCloudFrontAddress'],
      ]);
      const limits = Object.fromEntries(
        acl.Properties.Rules.filter((r: Json) => r.Statement.RateBasedStatement).map((r: Json) => [
          r.Name,
          r.Statement.RateBasedStatement.Limit,
        ]),
      );
      expect([at, limits.RateLimitPerCloudFrontAddress > limits.RateLimitPerIp]).toEqual([at, true]);
    }
  });
});
