/**
 * A small model of how AWS WAF evaluates a web ACL's rules against one request, for the parts of
 * WAF this app uses, so tests can ask "is this request blocked?" of a synthesized template.
 *
 * What it models, from the AWS WAF Developer Guide:
 * - Rules run in priority order; the first Block or Allow ends evaluation; Count adds the rule's
 *   labels and goes on (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-action.html).
 * - A managed rule group's rules run as their own actions, except those a `RuleActionOverrides`
 *   entry sets to Count, which only label the request
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html).
 * - Of the managed rules, only AWSManagedRulesCommonRuleSet's SizeRestrictions_BODY (a body over
 *   8 KB) is modelled; every other managed rule is taken not to match, which holds for the
 *   benign requests the tests send.
 * - A rate-based rule never blocks one request on its own; `rateCounters` says which rate-based
 *   rules would count a request (their scope-down statement matches it).
 * - Header names match case-insensitively.
 * Anything else throws, so a rule the model does not know can never pass a test silently.
 */
import { posix } from 'node:path';

export interface WafRequest {
  readonly method: string;
  readonly path: string;
  readonly bodyBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export type WafVerdict = { readonly action: 'ALLOW' | 'BLOCK'; readonly rule?: string; readonly labels: string[] };

// biome-ignore lint/suspicious/noExplicitAny: template JSON
type Json = any;

const MANAGED_LABELS: Record<string, Record<string, (r: WafRequest) => boolean>> = {
  AWSManagedRulesCommonRuleSet: {
    // https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
    SizeRestrictions_BODY: (r) => (r.bodyBytes ?? 0) > 8192,
  },
};
const LABEL_OF: Record<string, string> = {
  SizeRestrictions_BODY: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
};

/** Evaluates a web ACL resource (`AWS::WAFv2::WebACL`) from a template against a request. */
export function evaluate(webAcl: Json, request: WafRequest): WafVerdict {
  const labels: string[] = [];
  const rules = [...webAcl.Properties.Rules].sort((a: Json, b: Json) => a.Priority - b.Priority);
  for (const rule of rules) {
    const managed = rule.Statement.ManagedRuleGroupStatement;
    if (managed) {
      if (!rule.OverrideAction?.None) throw new Error(`unmodelled override action in ${rule.Name}`);
      const counted = new Set(
        (managed.RuleActionOverrides ?? []).filter((o: Json) => o.ActionToUse.Count).map((o: Json) => o.Name),
      );
      for (const [name, matches] of Object.entries(MANAGED_LABELS[managed.Name] ?? {})) {
        if (!matches(request)) continue;
        labels.push(LABEL_OF[name]);
        if (!counted.has(name)) return { action: 'BLOCK', rule: `${rule.Name}:${name}`, labels };
      }
      continue;
    }
    if (!matches(rule.Statement, request, labels)) continue;
    if (rule.Action.Block) return { action: 'BLOCK', rule: rule.Name, labels };
    if (rule.Action.Allow) return { action: 'ALLOW', rule: rule.Name, labels };
    if (!rule.Action.Count) throw new Error(`unmodelled action in ${rule.Name}`);
  }
  if (!webAcl.Properties.DefaultAction.Allow) throw new Error('unmodelled default action');
  return { action: 'ALLOW', labels };
}

/** The rate-based rules whose counter a request increments (in priority order). */
export function rateCounters(webAcl: Json, request: WafRequest): string[] {
  return [...webAcl.Properties.Rules]
    .sort((a: Json, b: Json) => a.Priority - b.Priority)
    .filter((rule: Json) => {
      const rate = rule.Statement.RateBasedStatement;
      return rate && (!rate.ScopeDownStatement || matches(rate.ScopeDownStatement, request, []));
    })
    .map((rule: Json) => rule.Name);
}

function matches(statement: Json, request: WafRequest, labels: readonly string[]): boolean {
  const [kind, body] = Object.entries(statement)[0] as [string, Json];
  switch (kind) {
    case 'AndStatement':
      return body.Statements.every((s: Json) => matches(s, request, labels));
    case 'OrStatement':
      return body.Statements.some((s: Json) => matches(s, request, labels));
    case 'NotStatement':
      return !matches(body.Statement, request, labels);
    case 'LabelMatchStatement':
      if (body.Scope !== 'LABEL') throw new Error(`unmodelled label scope ${body.Scope}`);
      return labels.includes(body.Key);
    case 'RateBasedStatement':
      return false;
    case 'ByteMatchStatement': {
      const value = field(body.FieldToMatch, request);
      if (value === undefined) return false;
      const text = transform(value, body.TextTransformations);
      const search: string = body.SearchString;
      switch (body.PositionalConstraint) {
        case 'EXACTLY':
          return text === search;
        case 'STARTS_WITH':
          return text.startsWith(search);
        case 'ENDS_WITH':
          return text.endsWith(search);
        case 'CONTAINS':
          return text.includes(search);
        default:
          throw new Error(`unmodelled positional constraint ${body.PositionalConstraint}`);
      }
    }
    default:
      throw new Error(`unmodelled statement ${kind}`);
  }
}

function field(fieldToMatch: Json, request: WafRequest): string | undefined {
  if (fieldToMatch.UriPath) return request.path;
  if (fieldToMatch.Method) return request.method;
  if (fieldToMatch.SingleHeader) {
    const name = String(fieldToMatch.SingleHeader.Name).toLowerCase();
    const hit = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === name);
    return hit?.[1];
  }
  throw new Error(`unmodelled field ${JSON.stringify(fieldToMatch)}`);
}

function transform(value: string, transformations: Json[]): string {
  return [...transformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((text: string, { Type }: Json) => {
      switch (Type) {
        case 'NONE':
          return text;
        case 'LOWERCASE':
          return text.toLowerCase();
        case 'URL_DECODE':
          return decodeURIComponent(text);
        case 'NORMALIZE_PATH':
          // Removes repeated slashes, self-references and back-references, as WAF documents.
          return posix.normalize(text);
        default:
          throw new Error(`unmodelled text transformation ${Type}`);
      }
    }, value);
}
