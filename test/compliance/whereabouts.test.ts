import {
  App,
  Aws,
  CfnMapping,
  CfnOutput,
  CfnParameter,
  CfnResource,
  CrossStackReferences,
  CustomResource,
  Fn,
  Lazy,
  ReferenceStrength,
  Stack,
  Stage,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { isExactDmsName } from '../../lib/compliance/residency/rules/dms-table-mapping-scoped';
import { locate, type Whereabouts } from '../../lib/compliance/residency/whereabouts';
import { cdkJsonContext } from '../support/harness';

const ACCOUNT = '111111111111';

function show(w: Whereabouts): string {
  return w.kind === 'region'
    ? `${w.region}${w.resource ? '+store' : ''}`
    : w.kind === 'unprovable'
      ? `? ${w.why}`
      : 'nowhere';
}

/** Where a value points, read as the pack reads it: resolved in the stack's context. */
function whereIs(build: (stack: Stack) => unknown): string[] {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'Here', { env: { account: ACCOUNT, region: 'ap-south-1' } });
  const value = stack.resolve(build(stack));
  return locate(stack, value).map(show);
}

/**
 * Where a value read in `consumer` points, once the app is synthesized (so CDK has wired its
 * cross-stack references). A function stands for a template value read after synthesis.
 */
function whereIsAcross(build: (app: App) => readonly [consumer: Stack, value: unknown]): string[] {
  // Sketches of stacks (an importer may hold nothing but the value under test), never deployed:
  // the subject is `locate`, so the CloudFormation validator does not run on them.
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
  const [consumer, value] = build(app);
  const carrier = typeof value === 'function' ? undefined : new CfnOutput(consumer, 'Carrier', { value: `${value}` });
  app.synth();
  const resolved = carrier ? consumer.resolve(carrier.value) : (value as () => unknown)();
  return locate(consumer, resolved).map(show);
}

function at(region: string, account = ACCOUNT) {
  return { env: { account, region } };
}

/** A stack in Singapore that exports its bucket's ARN as `name`. */
function exporter(scope: Construct, id: string, name: string, env = at('ap-southeast-1')): Stack {
  const stack = new Stack(scope, id, env);
  new CfnOutput(stack, 'BucketArn', { value: new s3.Bucket(stack, 'Bucket').bucketArn, exportName: name });
  return stack;
}

/** A stack that exports a bucket's ARN under a name its parameter gives at deploy time. */
function namedAtDeploy(scope: Construct, id: string, env: ReturnType<typeof at>): Stack {
  const stack = new Stack(scope, id, env);
  new CfnOutput(stack, 'BucketArn', {
    value: new s3.Bucket(stack, 'Bucket').bucketArn,
    exportName: new CfnParameter(stack, 'Name', { default: 'shared-bucket-arn' }).valueAsString,
  });
  return stack;
}

/**
 * Two stacks of one stage that pass values with CDK's strong cross-region references: the data
 * stack's writer puts each value in an SSM parameter of Singapore, the migration stack's reader
 * reads it back.
 */
function crossRegion(scope: Construct, names: { data?: string; migrate?: string } = {}) {
  const data = new Stack(scope, 'Data', { ...at('ap-south-1'), crossRegionReferences: true, stackName: names.data });
  const migrate = new Stack(scope, 'Migrate', {
    ...at('ap-southeast-1'),
    crossRegionReferences: true,
    stackName: names.migrate,
  });
  // cdk.json makes references weak (Fn::GetStackOutput) by default; CDK writes SSM parameters only for strong ones.
  CrossStackReferences.of(migrate).consume(ReferenceStrength.STRONG);
  const cluster = new rds.CfnDBCluster(data, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true });
  return { data, migrate, cluster };
}

/** The parameter names a stack's cross-region export writer writes (read after synthesis). */
function written(stack: Stack, required = true): string[] {
  const writer = stack.node
    .findAll()
    .find((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::CrossRegionExportWriter');
  if (!writer && !required) return [];
  if (!writer) throw new Error(`no export writer in ${stack.stackName}`);
  const template = stack.resolve((writer as CfnResource)._toCloudFormation()) as {
    Resources: Record<string, { Properties: { WriterProps: { exports: Record<string, unknown> } } }>;
  };
  return Object.keys(Object.values(template.Resources)[0].Properties.WriterProps.exports);
}

describe('locate: where a template value points', () => {
  test.each<[string, (stack: Stack) => unknown, string[]]>([
    ['an ARN with a region', () => 'arn:aws:sqs:eu-west-1:111111111111:orders', ['eu-west-1']],
    ['a region code', () => 'eu-central-1', ['eu-central-1']],
    ['a regional endpoint', () => 'https://sqs.eu-west-1.amazonaws.com/111111111111/q', ['eu-west-1']],
    ['a bucket of this app, by reference', (s) => new s3.Bucket(s, 'B').bucketArn, ['ap-south-1+store']],
    [
      'a bucket of this app, by its name',
      (s) => {
        new s3.Bucket(s, 'Named', { bucketName: 'named-here' });
        return 'arn:aws:s3:::named-here';
      },
      ['ap-south-1+store'],
    ],
    [
      'a bucket outside the app, with Aws.PARTITION',
      () => `arn:${Aws.PARTITION}:s3:::elsewhere`,
      ['? bucket-outside-this-app-elsewhere'],
    ],
    [
      'a bucket imported by name',
      (s) => s3.Bucket.fromBucketName(s, 'I', 'imported').bucketArn,
      ['? bucket-outside-this-app-imported'],
    ],
    ['the stack region pseudo parameter', () => Aws.REGION, ['ap-south-1']],
    [
      'a region written with Fn::Sub',
      () => Fn.sub(['arn:$', '{AWS::Partition}:sqs:$', '{AWS::Region}:$', '{AWS::AccountId}:q'].join('')),
      ['ap-south-1'],
    ],
    ['a CloudFormation parameter', (s) => new CfnParameter(s, 'Dest').valueAsString, ['? parameter-Dest']],
    [
      'an import no stack of the app exports',
      () => Fn.importValue('shared-bucket-arn'),
      ['? import-of-an-export-not-in-this-app'],
    ],
    ['an SSM dynamic reference', () => '{{resolve:ssm:/shared/bucket}}', ['? ssm-parameter']],
    ['a global IAM ARN', () => 'arn:aws:iam::111111111111:role/x', ['nowhere']],
    ['a regional service ARN with no region', () => 'arn:aws:sqs::111111111111:q', ['? arn-without-region-sqs']],
    [
      'either branch of a condition',
      () => ({ 'Fn::If': ['C', 'eu-west-1', 'ap-south-1'] }),
      ['eu-west-1', 'ap-south-1'],
    ],
    ['a plain word', () => 'orders', []],
    [
      'every ARN in a list',
      () => 'arn:aws:sqs:ap-south-1:111111111111:a,arn:aws:sqs:eu-west-1:111111111111:b',
      ['ap-south-1', 'eu-west-1'],
    ],
    ['a region inside a command line', () => 'aws s3 cp /tmp/x . --region eu-west-1', ['eu-west-1']],
    ['an S3 URI of a bucket outside the app', () => 's3://partner/out/', ['? bucket-outside-this-app-partner']],
    ['a name that merely ends in a region (not a region)', () => 'cdk-assets-111111111111-eu-west-1', []],
    [
      "a custom resource's answer",
      (s) =>
        new CustomResource(s, 'Lookup', {
          serviceToken: 'arn:aws:lambda:ap-south-1:111111111111:function:f',
        }).getAttString('Arn'),
      ['? value-from-a-custom-resource'],
    ],
    [
      'a value from a mapping of this stack',
      (s) => new CfnMapping(s, 'M', { mapping: { a: { target: 'eu-west-1' } } }).findInMap('a', 'target'),
      ['eu-west-1'],
    ],
  ])('%s', (_name, build, expected) => {
    expect(whereIs(build)).toEqual(expected);
  });
});

describe('locate: imports by export name', () => {
  test.each<[string, (app: App) => readonly [Stack, unknown], string[]]>([
    [
      "an export of this app in the importer's account and region, placed with its resource",
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn');
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['ap-southeast-1+store'],
    ],
    [
      "an earlier phase's export, imported by a later phase (another stage)",
      (app) => {
        const phase1 = new Stage(app, 'Phase1');
        const phase3 = new Stage(app, 'Phase3');
        const data = new Stack(phase1, 'Data', at('ap-southeast-1'));
        const cluster = new rds.CfnDBCluster(data, 'Shop', { engine: 'aurora-postgresql', storageEncrypted: true });
        new CfnOutput(data, 'ShopEndpoint', { value: cluster.attrEndpointAddress, exportName: 'phase1-shop-endpoint' });
        return [new Stack(phase3, 'Migrate', at('ap-southeast-1')), Fn.importValue('phase1-shop-endpoint')];
      },
      ['ap-southeast-1+store'],
    ],
    [
      "names written with the stacks' own name and region (Fn::Join, Fn::Sub)",
      (app) => {
        const network = new Stack(app, 'Network', at('ap-southeast-1'));
        const vpc = new ec2.CfnVPC(network, 'Vpc', { cidrBlock: '10.0.0.0/16' });
        new CfnOutput(network, 'VpcId', { value: vpc.ref, exportName: `${Aws.STACK_NAME}-${Aws.REGION}-vpc` });
        const importer = new Stack(app, 'Importer', at('ap-southeast-1'));
        return [importer, Fn.importValue(Fn.sub(['Network-$', '{AWS::Region}-vpc'].join('')))];
      },
      ['ap-southeast-1+store'],
    ],
    [
      "CDK's own strong reference in one region (Fn::ImportValue of its generated export)",
      (app) => {
        const shared = new Stack(app, 'Shared', at('ap-southeast-1'));
        const importer = new Stack(app, 'Importer', at('ap-southeast-1'));
        CrossStackReferences.of(importer).consume(ReferenceStrength.STRONG);
        return [importer, new s3.Bucket(shared, 'Bucket').bucketArn];
      },
      ['ap-southeast-1+store'],
    ],
    [
      'an import name built from a parameter',
      (app) => {
        exporter(app, 'Shared', 'prod-shared-bucket-arn');
        const importer = new Stack(app, 'Importer', at('ap-southeast-1'));
        const env = new CfnParameter(importer, 'Env', { default: 'prod' });
        return [
          importer,
          Fn.importValue(Fn.sub(['$', '{Env}-shared-bucket-arn'].join(''), { Env: env.valueAsString })),
        ];
      },
      ['? import-name-not-a-literal'],
    ],
    [
      'an import name that is an attribute of a resource',
      (app) => {
        const importer = new Stack(app, 'Importer', at('ap-southeast-1'));
        return [importer, Fn.importValue(new s3.Bucket(importer, 'Names').bucketName)];
      },
      ['? import-name-not-a-literal'],
    ],
    [
      'an export with the same name in another region only',
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn', at('ap-south-1'));
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-of-an-export-not-in-this-app'],
    ],
    [
      'an export with the same name in another account only',
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn', at('ap-southeast-1', '222222222222'));
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-of-an-export-not-in-this-app'],
    ],
    [
      'the same name exported by two stages into one account and region',
      (app) => {
        exporter(new Stage(app, 'Blue'), 'Shared', 'shared-bucket-arn');
        exporter(new Stage(app, 'Green'), 'Shared', 'shared-bucket-arn');
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-of-an-export-declared-more-than-once'],
    ],
    [
      'the name exported by a stack that may deploy anywhere',
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn', { env: { account: ACCOUNT, region: Aws.REGION } });
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-of-an-export-of-an-environment-agnostic-stack'],
    ],
    [
      'an import in a stack that may deploy anywhere',
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn');
        return [new Stack(app, 'Importer'), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-in-an-environment-agnostic-stack'],
    ],
    [
      "an export named by a parameter in the importer's region, which may take the name",
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn');
        namedAtDeploy(app, 'Other', at('ap-southeast-1'));
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['? import-may-match-an-export-named-at-deploy-time'],
    ],
    [
      'an export named by a parameter in another region, which cannot',
      (app) => {
        exporter(app, 'Shared', 'shared-bucket-arn');
        namedAtDeploy(app, 'Other', at('ap-south-1'));
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('shared-bucket-arn')];
      },
      ['ap-southeast-1+store'],
    ],
    [
      'exports that import each other',
      (app) => {
        const a = new Stack(app, 'A', at('ap-southeast-1'));
        const b = new Stack(app, 'B', at('ap-southeast-1'));
        new CfnOutput(a, 'Out', { value: Fn.importValue('b'), exportName: 'a' });
        new CfnOutput(b, 'Out', { value: Fn.importValue('a'), exportName: 'b' });
        return [new Stack(app, 'Importer', at('ap-southeast-1')), Fn.importValue('a')];
      },
      ['? reference-cycle'],
    ],
  ])('%s', (_name, build, expected) => {
    expect(whereIsAcross(build)).toEqual(expected);
  });
});

describe("locate: CDK's strong cross-region references (SSM parameters under /cdk/exports)", () => {
  test.each<[string, (app: App) => readonly [Stack, unknown], string[]]>([
    [
      "through the consumer's reader, placed with the producer's cluster",
      (app) => {
        const { migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        return [migrate, cluster.attrEndpointAddress];
      },
      ['ap-south-1+store'],
    ],
    [
      'inside a longer string (Fn::Join)',
      (app) => {
        const { migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        return [migrate, Fn.join('', ['postgres://', cluster.attrEndpointAddress, ':5432/shop'])];
      },
      ['ap-south-1+store'],
    ],
    [
      "the writer's parameter read with a dynamic reference inside text",
      (app) => {
        const { data, migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        return [migrate, () => `postgres://{{resolve:ssm:${written(data)[0]}}}:5432/shop`];
      },
      ['ap-south-1+store'],
    ],
    [
      "the writer's parameter at a pinned version",
      (app) => {
        const { data, migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        return [migrate, () => `{{resolve:ssm:${written(data)[0]}:1}}`];
      },
      ['? ssm-parameter'],
    ],
    [
      "the writer's parameter as a secure string",
      (app) => {
        const { data, migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        return [migrate, () => `{{resolve:ssm-secure:${written(data)[0]}}}`];
      },
      ['? ssm-parameter'],
    ],
    [
      "the writer's parameter read in a region it does not write to",
      (app) => {
        const stage = new Stage(app, 'Phase3');
        const { data, migrate, cluster } = crossRegion(stage);
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        const elsewhere = new Stack(stage, 'Elsewhere', at('us-west-1'));
        return [elsewhere, () => `{{resolve:ssm:${written(data)[0]}}}`];
      },
      ['? ssm-parameter'],
    ],
    [
      "the writer's parameter with a token spliced into its name (Fn::Join)",
      (app) => {
        const { data, migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        new CfnParameter(migrate, 'Part', { default: '' });
        return [
          migrate,
          () => {
            const name = written(data)[0];
            const cut = name.length - 4;
            return {
              'Fn::Join': ['', [`{{resolve:ssm:${name.slice(0, cut)}`, { Ref: 'Part' }, `${name.slice(cut)}}}`]],
            };
          },
        ];
      },
      ['? ssm-parameter', '? parameter-Part'],
    ],
    [
      'a token that completes the dynamic reference itself',
      (app) => {
        const { data, migrate, cluster } = crossRegion(new Stage(app, 'Phase3'));
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        new CfnParameter(migrate, 'Part', { default: '' });
        return [migrate, () => ({ 'Fn::Join': ['', ['{{resolve:ss', { Ref: 'Part' }, `m:${written(data)[0]}}}`]] })];
      },
      ['? ssm-parameter', '? parameter-Part'],
    ],
    [
      'two writers of the same parameter (the same stack names in two stages of one account)',
      (app) => {
        const names = { data: 'incountry-data', migrate: 'incountry-migrate' };
        const blue = crossRegion(new Stage(app, 'Blue'), names);
        const green = crossRegion(new Stage(app, 'Green'), names);
        new CfnOutput(green.migrate, 'Uses', { value: green.cluster.attrEndpointAddress });
        return [blue.migrate, blue.cluster.attrEndpointAddress];
      },
      ['? cross-region-export-written-more-than-once'],
    ],
    [
      "a parameter of the app declared under the name the writer writes, in the consumer's region",
      (app) => {
        const stage = new Stage(app, 'Phase3');
        const { data, migrate, cluster } = crossRegion(stage);
        new CfnOutput(migrate, 'Uses', { value: cluster.attrEndpointAddress });
        const squatter = new Stack(stage, 'Squatter', at('ap-southeast-1'));
        new ssm.CfnParameter(squatter, 'Shadow', {
          type: 'String',
          value: 'eu-west-1',
          // The writer's parameter name exists once CDK has wired the reference, during synthesis.
          name: Lazy.uncachedString({ produce: () => written(data, false)[0] ?? '/not-yet' }),
        });
        return [migrate, () => `{{resolve:ssm:${written(data)[0]}}}`];
      },
      ['? cross-region-export-written-more-than-once'],
    ],
    [
      "a parameter of the app named at deploy time in the consumer's region",
      (app) => {
        const stage = new Stage(app, 'Phase3');
        const { migrate, cluster } = crossRegion(stage);
        const squatter = new Stack(stage, 'Squatter', at('ap-southeast-1'));
        new ssm.CfnParameter(squatter, 'Shadow', {
          type: 'String',
          value: 'eu-west-1',
          name: new CfnParameter(squatter, 'ShadowName', { default: '/cdk/exports/x' }).valueAsString,
        });
        return [migrate, cluster.attrEndpointAddress];
      },
      ['? cross-region-export-written-more-than-once'],
    ],
    [
      'a hand-written parameter under /cdk/exports that no writer writes',
      (app) => {
        const migrate = new Stack(app, 'Migrate', at('ap-southeast-1'));
        new ssm.StringParameter(migrate, 'Shop', {
          parameterName: '/cdk/exports/Migrate/ShopEndpoint',
          stringValue: 'shop.cluster-abc.ap-southeast-1.rds.amazonaws.com',
        });
        return [migrate, '{{resolve:ssm:/cdk/exports/Migrate/ShopEndpoint}}'];
      },
      ['? ssm-parameter'],
    ],
    [
      'a look-alike writer with its own handler',
      (app) => {
        const data = new Stack(app, 'Data', at('ap-south-1'));
        new CfnResource(data, 'Writer', {
          type: 'Custom::CrossRegionExportWriter',
          properties: {
            ServiceToken: `arn:aws:lambda:ap-south-1:${ACCOUNT}:function:writer`,
            WriterProps: { region: 'ap-southeast-1', exports: { '/cdk/exports/Migrate/Shop': 'ap-south-1' } },
          },
        });
        return [new Stack(app, 'Migrate', at('ap-southeast-1')), '{{resolve:ssm:/cdk/exports/Migrate/Shop}}'];
      },
      ['? ssm-parameter'],
    ],
    [
      'a look-alike reader with its own handler',
      (app) => {
        const migrate = new Stack(app, 'Migrate', at('ap-southeast-1'));
        const reader = new CfnResource(migrate, 'Reader', {
          type: 'Custom::CrossRegionExportReader',
          properties: {
            ServiceToken: `arn:aws:lambda:ap-southeast-1:${ACCOUNT}:function:reader`,
            ReaderProps: {
              region: 'ap-southeast-1',
              prefix: 'Migrate',
              imports: { '/cdk/exports/Migrate/Shop': 'ap-southeast-1' },
            },
          },
        });
        return [migrate, reader.getAtt('/cdk/exports/Migrate/Shop')];
      },
      ['? value-from-a-custom-resource'],
    ],
  ])('%s', (_name, build, expected) => {
    expect(whereIsAcross(build)).toEqual(expected);
  });
});

describe('isExactDmsName: DMS reads %, _ and [...] as wildcards', () => {
  test.each([
    ['orders', true],
    ['order[_]items', true],
    ['order_items', false],
    ['%', false],
    ['orders%', false],
    ['[ab]orders', false],
    ['', false],
  ])('%s is exact: %s', (name, exact) => {
    expect(isExactDmsName(name)).toBe(exact);
  });
});
