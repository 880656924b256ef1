import { App, Stack } from 'aws-cdk-lib';
import { SecureBucket } from '../../lib/constructs/secure-bucket';
import { type UploadingMarket, uploadAcceleration } from '../../lib/constructs/upload-acceleration';

const market = (code: string, nearestRegion: string | undefined, mayLeaveCountry = true): UploadingMarket => ({
  code,
  nearestRegion,
  mayLeaveCountry,
});

describe('uploadAcceleration', () => {
  test.each<[string, string, UploadingMarket[], boolean, RegExp]>([
    [
      "Singapore's bucket: Hong Kong, Taiwan, India upload from far",
      'ap-southeast-1',
      [market('SG', 'ap-southeast-1'), market('HK', 'ap-east-1'), market('IN', 'ap-south-1')],
      true,
      /Users of HK, IN upload from far from ap-southeast-1/,
    ],
    ['the rest of the world is far from anywhere', 'us-west-2', [market('*', undefined)], true, /Users of \*/],
    [
      "Mumbai's bucket for India only: its users are next to it",
      'ap-south-1',
      [market('IN', 'ap-south-1')],
      false,
      /is nearest ap-south-1: acceleration would cost more/,
    ],
    [
      'a market whose data may not leave its country',
      'us-west-1',
      [market('US', 'us-east-2'), market('XX', 'us-west-1', false)],
      false,
      /The data of XX may not leave the country/,
    ],
    [
      'a region where S3 does not offer it',
      'ap-east-1',
      [market('HK', 'ap-southeast-1')],
      false,
      /does not offer Transfer Acceleration in ap-east-1/,
    ],
  ])('%s', (_name, region, markets, enabled, reason) => {
    const decision = uploadAcceleration(region, markets);
    expect(decision.enabled).toBe(enabled);
    expect(decision.reason).toMatch(reason);
  });
});

describe('SecureBucket with Transfer Acceleration', () => {
  const bucket = (region: string, bucketName?: string) => () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region } });
    return new SecureBucket(stack, 'Objects', { transferAcceleration: true, bucketName });
  };

  test('builds in a region that offers it', () => {
    expect(bucket('us-west-1')).not.toThrow();
  });

  test.each<[string, () => unknown, RegExp]>([
    ['the region does not offer it', bucket('ap-southeast-5'), /not offered in ap-southeast-5/],
    ['the bucket name has a period', bucket('us-west-2', 'photos.example'), /may not contain a period/],
  ])('fails if %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
