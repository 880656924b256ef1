import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CLOUDFRONT_ORIGIN_MARKER, WebAcl, type WebAclProps } from '../../lib/constructs/web-acl';
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

  test.each([
    ['POST', '/uploads/a.jpg'],
    ['PUT', '/uploads/2024/holiday.jpg'],
    ['POST', '/api/orders'],
  ])('the managed rule blocks %s %s over 8 KB: no path is exempt', (method, path) => {
    for (const scope of ['REGIONAL', 'CLOUDFRONT'] as const) {
      const acl = webAcl({ scope });
      expect(evaluate(acl, big(method, path))).toMatchObject({
        action: 'BLOCK',
        rule: 'AWSManagedRulesCommonRuleSet:SizeRestrictions_BODY',
      });
      expect(evaluate(acl, { method, path, bodyBytes: 8192 }).action).toBe('ALLOW');
    }
  });

  test('no rule of the managed groups is overridden to count', () => {
    const acl = webAcl({ scope: 'REGIONAL', cloudFrontRateLimitPer5Minutes: 20_000 });
    const groups = acl.Properties.Rules.filter((r: Json) => r.Statement.ManagedRuleGroupStatement);
    expect(groups).toHaveLength(4);
    expect(
      groups.map((r: Json) => [r.Name, r.OverrideAction, r.Statement.ManagedRuleGroupStatement.RuleActionOverrides]),
    ).toEqual(groups.map((r: Json) => [r.Name, { None: {} }, undefined]));
  });
});
