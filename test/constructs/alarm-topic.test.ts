import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic } from '../../lib/constructs/alarm-topic';
import { cdkJsonContext } from '../support/harness';

const ENV = { account: '123456789012', region: 'eu-west-1' };

function stackWith(build: (stack: Stack) => void): Template {
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: ENV });
  build(stack);
  return Template.fromStack(stack);
}

const alarm = (stack: Stack) =>
  new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(1) }).createAlarm(
    stack,
    'Alarm',
    { threshold: 1, evaluationPeriods: 1 },
  );

describe('AlarmTopic', () => {
  test('lets CloudWatch alarms of this account and region publish, and nothing without TLS', () => {
    // GIVEN / WHEN
    const template = stackWith((stack) => new AlarmTopic(stack, 'Topic'));
    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^Topic') },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
            },
          },
        ]),
      },
    });
  });

  test('without a key, encrypts with a retained key of its own that CloudWatch of this account may use', () => {
    const template = stackWith((stack) => new AlarmTopic(stack, 'Topic'));
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicKey'), 'Arn'] },
    });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
            },
          ]),
        },
      }),
    });
  });

  test("with a key, uses it and leaves the key's policy alone", () => {
    const template = stackWith((stack) => {
      const key = new kms.Key(stack, 'Given');
      new AlarmTopic(stack, 'Topic', { encryptionKey: key });
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Given'), 'Arn'] },
    });
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('cloudwatch.amazonaws.com');
  });

  test('allowEventRule lets that rule alone publish, and EventBridge of this account use its own key', () => {
    // GIVEN / WHEN
    const template = stackWith((stack) => {
      const topic = new AlarmTopic(stack, 'Topic');
      const rule = new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.dms'] } });
      topic.allowEventRule(rule);
    });
    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowEventRule1',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^Topic') },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^Rule'), 'Arn'] } } },
          },
        ]),
      },
    });
    const keyPolicy = JSON.stringify(Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy);
    expect(keyPolicy).toContain('events.amazonaws.com');
    expect(keyPolicy).toContain('"aws:SourceAccount":"123456789012"');
  });

  test("allowEventRule leaves a given key's policy alone: the key's owner grants EventBridge", () => {
    const template = stackWith((stack) => {
      const topic = new AlarmTopic(stack, 'Topic', { encryptionKey: new kms.Key(stack, 'Given') });
      topic.allowEventRule(new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.dms'] } }));
    });
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('events.amazonaws.com');
  });

  test('the topic is its Default child: its logical ID is that of a topic at the same path', () => {
    const template = stackWith((stack) => new AlarmTopic(stack, 'Topic'));
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toEqual([
      expect.stringMatching(/^Topic[0-9A-F]{8}$/),
    ]);
  });

  test('notify sends ALARM and OK to the topic, and e-mail subscribes the address', () => {
    const template = stackWith((stack) => {
      const topic = new AlarmTopic(stack, 'Topic', { email: 'oncall@example.com' });
      topic.notify(alarm(stack));
    });
    const topicRef = { Ref: Match.stringLikeRegexp('^Topic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});
