import { App, Aws, CfnMapping, CfnParameter, CustomResource, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { isExactDmsName } from '../../lib/compliance/residency/rules/dms-table-mapping-scoped';
import { locate, type Whereabouts } from '../../lib/compliance/residency/whereabouts';
import { cdkJsonContext } from '../support/harness';

/** Where a value points, read as the pack reads it: resolved in the stack's context. */
function whereIs(build: (stack: Stack) => unknown): string[] {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'Here', { env: { account: '111111111111', region: 'ap-south-1' } });
  const value = stack.resolve(build(stack));
  return locate(stack, value).map((w: Whereabouts) =>
    w.kind === 'region'
      ? `${w.region}${w.resource ? '+store' : ''}`
      : w.kind === 'unprovable'
        ? `? ${w.why}`
        : 'nowhere',
  );
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
    ['an imported value', () => Fn.importValue('shared-bucket-arn'), ['? imported-value']],
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
