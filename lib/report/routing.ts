import type { MigrationPlan } from '../config/migration-plan';
import type { Assembly, CfnResourceJson, StackArtifact } from './assembly';
import { code, details, percent, table } from './markdown';

/** Where a record points: another name, a resource of the app (a load balancer, a distribution), or a value it cannot read. */
export type RecordTarget =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'resource'; readonly stack: StackArtifact; readonly logicalId: string; readonly type: string }
  | { readonly kind: 'unknown'; readonly text: string };

/** One Route 53 record of a template. */
export interface DnsRecord {
  readonly stack: StackArtifact;
  readonly logicalId: string;
  /** Lower case, without the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly setIdentifier?: string;
  readonly policy: 'simple' | 'weighted' | 'geolocation' | 'latency' | 'failover';
  readonly weight?: number;
  /** Geolocation country (`*` for the default), continent or subdivision. */
  readonly location?: string;
  /** Latency region. */
  readonly region?: string;
  readonly failover?: string;
  readonly targets: readonly RecordTarget[];
  /** The health check behind it, described. */
  readonly healthCheck?: string;
}

/** Every record set of every template. */
export function dnsRecords(assembly: Assembly): DnsRecord[] {
  return assembly.stacks.flatMap((stack) => {
    const resources = stack.template.Resources ?? {};
    return Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Route53::RecordSet')
      .map(([logicalId, r]) => recordOf(stack, logicalId, r, resources));
  });
}

function recordOf(
  stack: StackArtifact,
  logicalId: string,
  resource: CfnResourceJson,
  resources: Readonly<Record<string, CfnResourceJson>>,
): DnsRecord {
  const p = (resource.Properties ?? {}) as Record<string, unknown>;
  const geo = p.GeoLocation as Record<string, unknown> | undefined;
  const policy =
    p.Weight !== undefined
      ? 'weighted'
      : geo
        ? 'geolocation'
        : p.Region !== undefined
          ? 'latency'
          : p.Failover !== undefined
            ? 'failover'
            : 'simple';
  const alias = p.AliasTarget as Record<string, unknown> | undefined;
  const values = alias ? [alias.DNSName] : Array.isArray(p.ResourceRecords) ? p.ResourceRecords : [];
  const checkRef = (p.HealthCheckId as { Ref?: unknown } | undefined)?.Ref;
  return {
    stack,
    logicalId,
    name: nameOf(p.Name),
    type: String(p.Type),
    setIdentifier: typeof p.SetIdentifier === 'string' ? p.SetIdentifier : undefined,
    policy,
    weight: p.Weight === undefined ? undefined : Number(p.Weight),
    location: geo ? String(geo.CountryCode ?? geo.ContinentCode ?? geo.SubdivisionCode) : undefined,
    region: typeof p.Region === 'string' ? p.Region : undefined,
    failover: typeof p.Failover === 'string' ? p.Failover : undefined,
    targets: values.map((v) => targetOf(v, stack, resources)),
    healthCheck:
      typeof checkRef === 'string'
        ? describeHealthCheck(checkRef, resources[checkRef], resources)
        : p.HealthCheckId
          ? JSON.stringify(p.HealthCheckId)
          : undefined,
  };
}

function nameOf(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase().replace(/\.$/, '') : JSON.stringify(value);
}

function targetOf(
  value: unknown,
  stack: StackArtifact,
  resources: Readonly<Record<string, CfnResourceJson>>,
): RecordTarget {
  if (typeof value === 'string') return { kind: 'name', name: nameOf(value) };
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && resources[getAtt[0]]) {
    return { kind: 'resource', stack, logicalId: getAtt[0], type: resources[getAtt[0]].Type };
  }
  return { kind: 'unknown', text: JSON.stringify(value) };
}

function describeHealthCheck(
  logicalId: string,
  check: CfnResourceJson | undefined,
  resources: Readonly<Record<string, CfnResourceJson>>,
): string {
  const config = (check?.Properties?.HealthCheckConfig ?? {}) as Record<string, unknown>;
  if (!check) return `${logicalId} (not in this template)`;
  const fqdn = config.FullyQualifiedDomainName;
  const getAtt = (fqdn as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const host =
    typeof fqdn === 'string'
      ? fqdn
      : Array.isArray(getAtt) && typeof getAtt[0] === 'string'
        ? `${shortType(resources[getAtt[0]]?.Type ?? '')} ${getAtt[0]}`
        : String(config.IPAddress ?? JSON.stringify(fqdn));
  const port = config.Port ? ` port ${config.Port}` : '';
  const path = config.ResourcePath ? ` path ${config.ResourcePath}` : '';
  return `${config.Type ?? '?'} to ${host}${port}${path} (${logicalId})`;
}

/** `ElasticLoadBalancingV2 LoadBalancer`, from `AWS::ElasticLoadBalancingV2::LoadBalancer`. */
function shortType(type: string): string {
  return type.split('::').slice(1).join(' ');
}

/** Where a chain of records ends: a location of the plan, or the record's target as written. */
export type Terminal = string;

/** How a name answers: shares per terminal (every endpoint healthy), or a latency choice between branches. */
export type Resolution =
  | { readonly kind: 'shares'; readonly shares: ReadonlyMap<Terminal, number> }
  | {
      readonly kind: 'latency';
      readonly branches: readonly { readonly region: string; readonly resolution: Resolution }[];
    };

/** Names a terminal: the plan's location for an app resource, the legacy origin or a provider's endpoint; the text otherwise. */
export function terminalOf(target: RecordTarget, plan?: MigrationPlan): Terminal {
  if (target.kind === 'resource') {
    const location = plan?.awsLocationOfRegion(target.stack.region);
    return location ?? `${shortType(target.type)} in ${target.stack.region}`;
  }
  if (target.kind === 'unknown') return target.text;
  if (plan) {
    if (target.name === plan.platform.legacy.originHostname.toLowerCase()) return plan.platform.legacy.id;
    const provider = plan.platform.locations.find(
      (l) => l.kind === 'provider' && l.endpoint.toLowerCase() === target.name,
    );
    if (provider) return provider.id;
  }
  return target.name;
}

/** Resolves a name through the records (all healthy); `under` guards against loops. */
export function resolve(
  name: string,
  byName: ReadonlyMap<string, readonly DnsRecord[]>,
  plan?: MigrationPlan,
  under: ReadonlySet<string> = new Set(),
): Resolution {
  const all = byName.get(name) ?? [];
  // An alias pair (A and AAAA) answers the same: read one type.
  const records = all.filter((r) => r.type === (all.some((x) => x.type === 'CNAME') ? 'CNAME' : all[0]?.type));
  if (records.length === 0 || under.has(name)) {
    return { kind: 'shares', shares: new Map([[name, 1]]) };
  }
  const seen = new Set([...under, name]);
  const follow = (target: RecordTarget): Resolution =>
    target.kind === 'name' && byName.has(target.name)
      ? resolve(target.name, byName, plan, seen)
      : { kind: 'shares', shares: new Map([[terminalOf(target, plan), 1]]) };
  if (records.every((r) => r.policy === 'latency')) {
    return {
      kind: 'latency',
      branches: records.map((r) => ({ region: r.region ?? '?', resolution: merge(r.targets.map(follow)) })),
    };
  }
  const weights = records.map((r) => (r.policy === 'weighted' ? (r.weight ?? 0) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  // Route 53 answers a weighted set whose weights are all 0 with equal probability.
  const parts = records.map((r, i) => ({
    share: total === 0 ? 1 / records.length : weights[i] / total,
    resolution: merge(r.targets.map(follow)),
  }));
  const shares = new Map<Terminal, number>();
  for (const part of parts) {
    if (part.share === 0) continue;
    if (part.resolution.kind === 'latency') {
      const key = `nearest of ${part.resolution.branches.map((b) => b.region).join(', ')}`;
      shares.set(key, (shares.get(key) ?? 0) + part.share);
      continue;
    }
    for (const [terminal, share] of part.resolution.shares) {
      shares.set(terminal, (shares.get(terminal) ?? 0) + part.share * share);
    }
  }
  return { kind: 'shares', shares };
}

function merge(resolutions: readonly Resolution[]): Resolution {
  if (resolutions.length === 1) return resolutions[0];
  const shares = new Map<Terminal, number>();
  for (const r of resolutions) {
    if (r.kind !== 'shares') return r;
    for (const [t, s] of r.shares) shares.set(t, (shares.get(t) ?? 0) + s / resolutions.length);
  }
  return { kind: 'shares', shares };
}

/** `us-west-1 90 %, bj-legacy 10 %` (or the latency branches). */
export function describeResolution(resolution: Resolution): string {
  if (resolution.kind === 'latency') {
    return `nearest of: ${resolution.branches.map((b) => `${b.region} (${describeResolution(b.resolution)})`).join('; ')}`;
  }
  const entries = [...resolution.shares.entries()].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  return entries.map(([t, s]) => `${t} ${percent(s)}`).join(', ') || 'nothing';
}

/** One market's answer at a public name, with what the plan intends. */
export interface MarketAnswer {
  readonly name: string;
  readonly market: string;
  readonly resolution: Resolution;
  /** The plan's shares by location for this market and service, when the name is a service's. */
  readonly goal?: ReadonlyMap<string, number>;
  /** Whether the records give the goal's shares (within one percentage point). */
  readonly matches?: boolean;
}

/** The public names: names no other record points at. */
export function publicNames(records: readonly DnsRecord[]): string[] {
  const pointedAt = new Set(records.flatMap((r) => r.targets.flatMap((t) => (t.kind === 'name' ? [t.name] : []))));
  return [...new Set(records.map((r) => r.name))].filter((n) => !pointedAt.has(n)).sort();
}

/**
 * Per public name and geolocation: where its users land with every endpoint healthy, beside the
 * plan's goal for that market (`MigrationPlan.routes`) when the name is `<service>.<domain>`.
 */
export function marketAnswers(records: readonly DnsRecord[], plan?: MigrationPlan): MarketAnswer[] {
  const byName = new Map<string, DnsRecord[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return publicNames(records).flatMap((name) => {
    const service = plan?.platform.services.find((s) => name.startsWith(`${s.name}.`))?.name;
    const routes = service && plan ? plan.routes(service) : [];
    const geo = (byName.get(name) ?? []).filter((r) => r.policy === 'geolocation');
    if (geo.length === 0) return [{ name, market: '(everyone)', resolution: resolve(name, byName, plan) }];
    return geo.map((record) => {
      const market = record.location ?? '?';
      const target = record.targets[0];
      const resolution: Resolution =
        target?.kind === 'name' ? resolve(target.name, byName, plan) : { kind: 'shares', shares: new Map() };
      const route = routes.find((r) => r.market === market);
      if (!route) return { name, market, resolution };
      const goal = new Map<string, number>();
      for (const t of route.targets) goal.set(t.locationId, (goal.get(t.locationId) ?? 0) + t.weight / 100);
      return { name, market, resolution, goal, matches: sameShares(resolution, goal) };
    });
  });
}

function sameShares(resolution: Resolution, goal: ReadonlyMap<string, number>): boolean {
  if (resolution.kind !== 'shares') return false;
  const keys = new Set([...resolution.shares.keys(), ...goal.keys()]);
  return [...keys].every((k) => Math.abs((resolution.shares.get(k) ?? 0) - (goal.get(k) ?? 0)) <= 0.01);
}

/** The routing section: per public name, where each market lands against the plan, then every record behind it. */
export function routingSection(assembly: Assembly, plan?: MigrationPlan): string {
  const records = dnsRecords(assembly);
  if (records.length === 0) return '_No Route 53 record in this assembly._';
  const answers = marketAnswers(records, plan);
  const byName = new Map<string, DnsRecord[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const mismatches = answers.filter((a) => a.matches === false);
  const out: string[] = [
    mismatches.length
      ? `**${mismatches.length} market answer${mismatches.length === 1 ? ' differs' : 's differ'} from the plan:** ${mismatches.map((m) => `${m.market} at ${code(m.name)}`).join(', ')}.`
      : 'Every market answer matches the plan (shares with every endpoint healthy; a failing health check moves a share down to the layer below).',
    '',
  ];
  for (const name of publicNames(records)) {
    const rows = answers
      .filter((a) => a.name === name)
      .map((a) => [
        a.market === '*' ? '`*` (default)' : a.market,
        describeResolution(a.resolution),
        a.goal ? describeResolution({ kind: 'shares', shares: a.goal }) : '-',
        a.matches === undefined ? '-' : a.matches ? 'yes' : '**NO**',
      ]);
    out.push(`#### ${code(name)}`, '', table(['who', 'lands on (all healthy)', 'plan', 'matches'], rows), '');
    out.push(
      details(
        `Every record behind ${name}`,
        table(
          ['name', 'set', 'policy', 'target', 'health check', 'stack'],
          chainOf(name, byName).map((r) => [
            r.name,
            r.setIdentifier ?? '-',
            r.policy === 'weighted'
              ? `weight ${r.weight}`
              : r.policy === 'geolocation'
                ? `geo ${r.location}`
                : r.policy === 'latency'
                  ? `latency ${r.region}`
                  : r.policy === 'failover'
                    ? `failover ${r.failover}`
                    : 'simple',
            r.targets.map((t) => describeTarget(t, plan)).join(', '),
            r.healthCheck ?? 'none',
            r.stack.path,
          ]),
        ),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** A record's target for the table: the name (with the plan location it is), or the resource and where it is. */
function describeTarget(target: RecordTarget, plan?: MigrationPlan): string {
  const terminal = terminalOf(target, plan);
  if (target.kind === 'name') return terminal === target.name ? target.name : `${target.name} (${terminal})`;
  if (target.kind === 'resource') return `${shortType(target.type)} ${target.logicalId} (${terminal})`;
  return terminal;
}

/** Every record reachable from a name, breadth first. */
function chainOf(name: string, byName: ReadonlyMap<string, readonly DnsRecord[]>): DnsRecord[] {
  const out: DnsRecord[] = [];
  const queue = [name];
  const seen = new Set<string>();
  while (queue.length) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const r of byName.get(next) ?? []) {
      out.push(r);
      for (const t of r.targets) if (t.kind === 'name' && byName.has(t.name)) queue.push(t.name);
    }
  }
  return out;
}
