import type { MigrationPlan } from '../config/migration-plan';
import type { ResidencyJson } from './assembly';
import { code, details, mermaid, mermaidId, mermaidText, plural, table } from './markdown';

/** A market blocked at a phase's CDN, and why. */
export interface BlockedMarket {
  readonly market: string;
  readonly phase: number;
  readonly why: string;
}

/**
 * The markets each phase's CDN refuses (`edge.blockedMarkets`), each with the reason the plan
 * implies: the CDN logs every viewer's IP at `edge.logLocation`, which the market does not allow.
 */
export function blockedMarkets(plan: MigrationPlan): BlockedMarket[] {
  return plan.phases.flatMap((phase) =>
    (phase.edge?.blockedMarkets ?? []).map((code) => {
      const market = plan.market(code);
      const allowed = market?.allowedLocations ?? [];
      const log = phase.edge?.logLocation ?? '?';
      const because = allowed.includes(log)
        ? `listed in edge.blockedMarkets although ${code} allows ${log}`
        : `the CDN logs viewer IPs in ${log}, which ${code} does not allow (allowed: ${allowed.join(', ') || 'none yet'})`;
      return { market: code, phase: phase.phase, why: market?.note ? `${because}. ${market.note}` : because };
    }),
  );
}

/** `RDS DBCluster x1, S3 Bucket x2`, most numerous first. */
export function storeKinds(stores: readonly { readonly type: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of stores) {
    const [, service = '', kind = s.type] = s.type.split('::');
    const label = `${service} ${kind}`.trim();
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, n]) => `${label} x${n}`)
    .join(', ');
}

/** The residency section: a diagram of market to location to data stores, the exact table, and the declarations the pack trusts. */
export function residencySection(residency: ResidencyJson | undefined, plan: MigrationPlan | undefined): string {
  if (!residency) {
    return '_No `residency.json` in this assembly: synthesize with `npx cdk synth` (the app writes it next to the templates)._';
  }
  const blocked = plan ? blockedMarkets(plan) : [];
  const legacy = plan?.platform.legacy.id ?? 'legacy';
  const markets = Object.entries(residency.markets);

  const lines = ['flowchart LR'];
  const locations = new Set<string>();
  type Store = { readonly type: string; readonly logicalId: string };
  const stacksByLocation = new Map<string, Map<string, Store[]>>();
  for (const [, entry] of markets) {
    for (const [location, stores] of Object.entries(entry.stores)) {
      locations.add(location);
      const byStack = stacksByLocation.get(location) ?? new Map<string, Store[]>();
      for (const store of stores) {
        const list = byStack.get(store.stack) ?? [];
        if (!list.some((s) => s.logicalId === store.logicalId)) list.push(store);
        byStack.set(store.stack, list);
      }
      stacksByLocation.set(location, byStack);
    }
  }
  lines.push('  subgraph markets["Markets"]');
  for (const [code] of markets) {
    const name = code === '*' ? 'rest of the world' : (plan?.market(code)?.name ?? code);
    lines.push(`    ${mermaidId(`market ${code}`)}["${mermaidText(`${code} ${name}`)}"]`);
  }
  lines.push('  end', '  subgraph locations["Locations"]');
  for (const location of [...locations].sort()) {
    lines.push(`    ${mermaidId(`location ${location}`)}["${mermaidText(location)}"]`);
  }
  lines.push(`    ${mermaidId(`location ${legacy}`)}["${mermaidText(`${legacy} (legacy, unchanged)`)}"]`);
  lines.push('  end', '  subgraph stores["Data stores, by stack"]');
  const holds: string[] = [];
  for (const [location, byStack] of [...stacksByLocation.entries()].sort()) {
    for (const [stack, stores] of [...byStack.entries()].sort()) {
      lines.push(`    ${mermaidId(`stack ${stack}`)}["${mermaidText(`${stack}<br/>${storeKinds(stores)}`)}"]`);
      holds.push(`  ${mermaidId(`location ${location}`)} --> ${mermaidId(`stack ${stack}`)}`);
    }
  }
  lines.push('  end', ...holds);
  for (const [code, entry] of markets) {
    const held = Object.keys(entry.stores);
    for (const location of held)
      lines.push(`  ${mermaidId(`market ${code}`)} --> ${mermaidId(`location ${location}`)}`);
    if (held.length === 0 && code !== '*') {
      lines.push(`  ${mermaidId(`market ${code}`)} -. no phase serves it .-> ${mermaidId(`location ${legacy}`)}`);
    }
  }
  const cdnPhases = [...new Set(blocked.map((b) => b.phase))];
  for (const phase of cdnPhases) {
    lines.push(`  ${mermaidId(`cdn ${phase}`)}{{"${mermaidText(`Phase ${phase} CDN: refuses`)}"}}`);
  }
  for (const b of blocked) {
    lines.push(`  ${mermaidId(`cdn ${b.phase}`)} -. blocked .-> ${mermaidId(`market ${b.market}`)}`);
  }
  lines.push('  classDef blocked stroke:#c00,stroke-width:2px');
  for (const code of new Set(blocked.map((b) => b.market)))
    lines.push(`  class ${mermaidId(`market ${code}`)} blocked`);

  const rows = markets.map(([code, entry]) => {
    const where = Object.entries(entry.stores)
      .map(([location, stores]) => {
        const stacks = [...new Set(stores.map((s) => s.stack))].join(', ');
        return `${location}: ${plural(stores.length, 'store')} in ${stacks} (${storeKinds(stores)})`;
      })
      .join('\n');
    const cdn = blocked
      .filter((b) => b.market === code)
      .map((b) => `blocked at phase ${b.phase}'s CDN: ${b.why}`)
      .join('\n');
    return [
      code === '*' ? '`*` (rest of the world)' : `${code} ${plan?.market(code)?.name ?? ''}`.trim(),
      entry.allowedLocations.join(', ') || 'none yet',
      where || `no store in this app: its data stays on ${legacy}`,
      cdn || (blocked.length ? 'served' : '-'),
    ];
  });

  const trusted = [
    ...residency.noPersonalData.map((d) => [code(d.path), 'none', d.reason]),
    ...residency.narrowed.map((d) => [code(d.path), d.markets.join(', '), d.reason]),
  ];
  return [
    mermaid(lines.join('\n')),
    '',
    table(['market', 'may live in', 'lives in (this assembly)', 'CDN'], rows),
    '',
    details(
      `Declarations the residency pack trusts (${trusted.length}): scopes that hold no personal data, or fewer markets than their stack`,
      table(['construct', 'markets', 'reason'], trusted),
    ),
  ].join('\n');
}
