import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BODY_OVER_8_KB_LABEL, CLOUDFRONT_ORIGIN_MARKER, WebAcl, type WebAclProps } from '../../lib/constructs/web-acl';
import { cdkJsonContext } from '../support/harness';
import { evaluate, rateCounters } from '../support/waf-model';

// biome-ignore lint/suspicious/noExplicitAny: template JSON
type Json = any;

function webAcl(props: WebAclProps): Json {
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new WebAcl(stack, 'Acl', props);
  return Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'))[0];
}

const viaCloudFront = {
  method: 'GET',
  path: '/api/cart',
  headers: { [CLOUDFRONT_ORIGIN_MARKER.headerName]: CLOUDFRONT_ORIGIN_MARKER.value },
};
const direct = { method: 'GET', path: '/api/cart' };
const ruleNames = (acl: Json) => acl.Properties.Rules.map((r: Json) => r.Name);

describe('WebAcl rate limits', () => {
  test('without a CloudFront class, every request counts against its source address', () => {
    const acl = webAcl({ scope: 'CLOUDFRONT' });
    expect(rateCounters(acl, direct)).toEqual(['RateLimitPerIp']);
    expect(rateCounters(acl, viaCloudFront)).toEqual(['RateLimitPerIp']);
  });

  test('with a CloudFront class, marked requests count per edge address at their own limit, the rest per client', () => {
    const acl = webAcl({ scope: 'REGIONAL', rateLimitPer5Minutes: 500, cloudFrontRateLimitPer5Minutes: 30_000 });
    expect(rateCounters(acl, direct)).toEqual(['RateLimitPerIp']);
    expect(rateCounters(acl, viaCloudFront)).toEqual(['RateLimitPerCloudFrontAddress']);
    // header names match case-insensitively
    expect(rateCounters(acl, { ...direct, headers: { 'X-CDN-Origin': 'cloudfront' } })).toEqual([
      'RateLimitPerCloudFrontAddress',
    ]);
    expect(acl.Properties.Rules.slice(0, 2).map((r: Json) => [r.Name, r.Statement.RateBasedStatement.Limit])).toEqual([
      ['RateLimitPerIp', 500],
      ['RateLimitPerCloudFrontAddress', 30_000],
    ]);
  });

  test('keeps the rate rule metric name it always had', () => {
    const acl = webAcl({ scope: 'REGIONAL', cloudFrontRateLimitPer5Minutes: 20_000 });
    expect(acl.Properties.Rules[0].VisibilityConfig.MetricName).toMatch(/-RateLimit$/);
  });

  test('fails if a CloudFront-scope web ACL is given a CloudFront class', () => {
    expect(() => webAcl({ scope: 'CLOUDFRONT', cloudFrontRateLimitPer5Minutes: 20_000 })).toThrow(
      /cloudFrontRateLimitPer5Minutes is for REGIONAL web ACLs/,
    );
  });
});

describe('WebAcl bodies over 8 KB', () => {
  const big = (method: string, path: string) => ({ method, path, bodyBytes: 8193 });

  test('without upload paths, the managed rule blocks every body over 8 KB', () => {
    const acl = webAcl({ scope: 'REGIONAL' });
    expect(evaluate(acl, big('POST', '/uploads/a.jpg'))).toMatchObject({
      action: 'BLOCK',
      rule: 'AWSManagedRulesCommonRuleSet:SizeRestrictions_BODY',
    });
    expect(evaluate(acl, { method: 'POST', path: '/uploads/a.jpg', bodyBytes: 8192 }).action).toBe('ALLOW');
    expect(ruleNames(acl)).not.toContain('BodyOver8KbOutsideUploads');
  });

  test.each([
    ['POST', '/uploads/a.jpg', 'ALLOW'],
    ['PUT', '/media/a.jpg', 'ALLOW'],
    ['PATCH', '/uploads/a.jpg', 'BLOCK'],
    ['POST', '/uploadsX/a.jpg', 'BLOCK'],
    ['POST', '/uploads/../admin', 'BLOCK'],
    ['POST', '/uploads/%2E%2E/admin', 'BLOCK'],
    ['POST', '//uploads/a.jpg', 'ALLOW'],
    ['POST', '/api/orders', 'BLOCK'],
  ])('with upload paths, %s %s over 8 KB is %s', (method, path, verdict) => {
    const acl = webAcl({ scope: 'REGIONAL', uploadPathPrefixes: ['/uploads/', '/media/'] });
    expect(evaluate(acl, big(method, path)).action).toBe(verdict);
  });

  test('the label rule comes right after the managed group that labels', () => {
    const acl = webAcl({ scope: 'REGIONAL', uploadPathPrefixes: ['/uploads/'] });
    const names = ruleNames(acl);
    expect(names.indexOf('BodyOver8KbOutsideUploads')).toBe(names.indexOf('AWSManagedRulesCommonRuleSet') + 1);
    expect(JSON.stringify(acl)).toContain(BODY_OVER_8_KB_LABEL);
  });

  test.each(['uploads/', '/uploads', '/up loads/'])('fails if an upload path prefix is %p', (prefix) => {
    expect(() => webAcl({ scope: 'REGIONAL', uploadPathPrefixes: [prefix] })).toThrow(/must start and end with "\/"/);
  });
});
