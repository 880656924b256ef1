import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { ResidencyPolicy } from '../residency-policy';
import { locate, type Whereabouts } from '../whereabouts';

/** One residency rule: its ID within the pack, what it reports, and the check. */
export interface ResidencyRule {
  /** The rule ID after `DataResidency-`. */
  readonly id: string;
  /** What a finding means, one line. */
  readonly info: string;
  /** Why the rule exists, and how to fix a finding. */
  readonly explanation: string;
  /**
   * Property paths this rule reads, per resource type (`*` stands for any array index), so the
   * catch-all rule (DestinationProvable) does not report the same flow twice.
   */
  readonly covers?: Readonly<Record<string, readonly string[]>>;
  /** COMPLIANT, NOT_APPLICABLE, NON_COMPLIANT, or findings (each naming market, location, what is allowed). */
  check(policy: ResidencyPolicy, node: CfnResource): NagRuleResult;
}

/** A resource as it will be deployed: its type, properties and metadata. */
export interface RenderedResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

const rendered = new WeakMap<CfnResource, RenderedResource>();

/** Templates the CDK wrote in this synth, by stack construct path (set while the pack validates). */
let synthesized: ReadonlyMap<string, { readonly Resources?: Record<string, RenderedResource> }> | undefined;

/**
 * Runs `check` reading resources from the templates the CDK wrote, by stack construct path: what
 * will be deployed, exactly, without rendering each resource again (a third of the pack's time).
 * A resource a template lacks is rendered as outside a synth.
 */
export function withSynthesizedTemplates<T>(
  templates: ReadonlyMap<string, { readonly Resources?: Record<string, RenderedResource> }>,
  check: () => T,
): T {
  synthesized = templates;
  try {
    return check();
  } finally {
    synthesized = undefined;
  }
}

/** The resource as it will be deployed: tokens resolved, raw overrides (even of its type) included. */
export function renderedResource(node: CfnResource): RenderedResource {
  let resource = rendered.get(node);
  if (!resource) {
    const stack = Stack.of(node);
    const written = synthesized?.get(stack.node.path)?.Resources?.[stack.resolve(node.logicalId) as string];
    if (written) {
      resource = written;
    } else {
      const template = stack.resolve(node._toCloudFormation()) as { Resources: Record<string, RenderedResource> };
      resource = Object.values(template.Resources)[0] ?? { Type: node.cfnResourceType };
    }
    rendered.set(node, resource);
  }
  return resource;
}

/** The resource's properties as they will be deployed. */
export function deployedProperties(node: CfnResource): Record<string, unknown> {
  return renderedResource(node).Properties ?? {};
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
  return policy.disallowedAt(
    markets,
    [region === undefined ? { kind: 'unprovable', why: 'unknown-region' } : { kind: 'region', region }],
    how,
  );
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

/** One place a resource sends data to. */
export interface Flow {
  /** The resolved template value that names the destination. */
  readonly value: unknown;
  /** Where it sits in the resource's properties, for the finding (`Targets.0.Arn`). */
  readonly via: string;
  /** Where it goes, when the rule knows better than the value (an endpoint outside AWS). */
  readonly whereabouts?: readonly Whereabouts[];
}

/** What a flow rule needs: the types it reads, the paths it claims, and how to find the flows. */
export interface FlowRuleSpec {
  readonly id: string;
  readonly info: string;
  readonly explanation: string;
  /** Verb for findings: `replicated-to`, `logs-shipped-to`... */
  readonly how: string;
  /** Per resource type, the property paths the rule reads. */
  readonly covers: Readonly<Record<string, readonly string[]>>;
  flows(props: Record<string, unknown>, node: CfnResource, policy: ResidencyPolicy): Flow[];
}

/**
 * A rule for one kind of data flow: for every market the resource holds, every destination must
 * be proven to sit in a region the market allows. A destination the pack cannot place (a
 * parameter, an import, a name from outside the app, an endpoint outside AWS, a literal it does
 * not recognise) is a finding, never a pass.
 */
export function flowRule(spec: FlowRuleSpec): ResidencyRule {
  return {
    id: spec.id,
    info: spec.info,
    explanation: spec.explanation,
    covers: spec.covers,
    check(policy, node) {
      if (!(node.cfnResourceType in spec.covers)) return NagRuleCompliance.NOT_APPLICABLE;
      const markets = personalMarkets(policy, node);
      if (markets.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
      const flows = spec.flows(deployedProperties(node), node, policy);
      if (flows.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
      const stack = Stack.of(node);
      const findings = flows.flatMap((flow) => {
        const found = flow.whereabouts ?? locate(stack, flow.value);
        const where: readonly Whereabouts[] = found.length
          ? found
          : [{ kind: 'unprovable', why: 'not-a-recognised-destination' }];
        return policy.disallowedAt(markets, where, spec.how, flow.via);
      });
      return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
    },
  };
}

/** Every element of an array property with its index path: `each(props.Targets, 'Targets')`. */
export function each(value: unknown, path: string): { readonly item: unknown; readonly path: string }[] {
  return asArray(value).map((item, i) => ({ item, path: `${path}.${i}` }));
}
