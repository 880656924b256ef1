import { type CfnResource, Stack } from 'aws-cdk-lib';
import type { NagRuleResult } from 'cdk-nag';
import type { ResidencyPolicy } from '../residency-policy';

/** One residency rule: its ID within the pack, what it reports, and the check. */
export interface ResidencyRule {
  /** The rule ID after `DataResidency-`. */
  readonly id: string;
  /** What a finding means, one line. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** COMPLIANT, NOT_APPLICABLE, NON_COMPLIANT, or findings (each naming market, location, what is allowed). */
  check(policy: ResidencyPolicy, node: CfnResource): NagRuleResult;
}

/** The resource's properties as they will be deployed: tokens resolved, raw overrides included. */
export function deployedProperties(node: CfnResource): Record<string, unknown> {
  const rendered = Stack.of(node).resolve(node._toCloudFormation()) as {
    Resources: Record<string, { Properties?: Record<string, unknown> }>;
  };
  return Object.values(rendered.Resources)[0]?.Properties ?? {};
}

/** The markets whose personal data a resource holds; [] when it declares none or nothing. */
export function personalMarkets(policy: ResidencyPolicy, node: CfnResource): string[] {
  const markets = policy.marketsOf(node);
  return Array.isArray(markets) ? markets : [];
}

/** Findings for every market not allowed where `region` is; `how` says how the data gets there. */
export function disallowed(
  policy: ResidencyPolicy,
  markets: readonly string[],
  region: string | undefined,
  how: string,
): string[] {
  return markets.filter((m) => !policy.allowsRegion(m, region)).map((m) => policy.finding(m, region, how));
}

/** Reads a nested property path, tolerating missing parts. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}
