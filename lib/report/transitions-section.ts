import { REST_OF_WORLD } from '../config/schema';
import { formatShares, type PlanTransition } from './plan-transitions';

const cell = (text: string) => text.replaceAll('|', '\\|');

/**
 * The reviewer's page of a transition at the migration's level: per market and service, where users
 * go before and after and the state of their rows; each replication that starts, restarts or ends;
 * each phase's cutover that changes; and every refusal with the runbook's step instead.
 */
export function transitionsSection(againstDir: string, t: PlanTransition): string {
  const lines = [
    '## Transition: markets, users and rows',
    '',
    `Against the plan ${'`'}${againstDir}${'`'} was built from: what this deploy does to each market.`,
    '',
  ];
  if (t.refusals.length) {
    lines.push(`**Refused: ${t.refusals.length} change(s) a running migration cannot take.**`, '');
    lines.push('| rule | market | service | stack | what | instead |', '|---|---|---|---|---|---|');
    for (const r of t.refusals) {
      lines.push(
        `| ${r.rule} | ${r.market ?? ''} | ${r.service ?? ''} | ${cell(r.stack)} | ${cell(r.message)} | ${cell(r.step)} |`,
      );
    }
    lines.push('');
  } else {
    lines.push('No change here is one the running migration refuses.', '');
  }
  if (t.cutovers.length) {
    lines.push('| phase | service | cutover |', '|---|---|---|');
    for (const c of t.cutovers) lines.push(`| ${c.phase} | ${c.service} | ${c.before} % → ${c.after} % |`);
    lines.push('');
  }
  if (t.moves.length) {
    lines.push(
      '| market | service | users before | users after | rows before | rows after |',
      '|---|---|---|---|---|---|',
    );
    for (const m of t.moves) {
      const rows = (r: Readonly<Record<string, string>>) =>
        Object.entries(r)
          .map(([site, state]) => `${site} ${state}`)
          .join(', ') || 'none copied';
      lines.push(
        `| ${m.market === REST_OF_WORLD ? '\\* (rest of the world)' : m.market} | ${m.service} | ${formatShares(m.before)} | ${formatShares(m.after)} | ${rows(m.rowsBefore)} | ${rows(m.rowsAfter)} |`,
      );
    }
    lines.push('');
  } else {
    lines.push("No market's users or rows change.", '');
  }
  const changed = t.replications.filter((r) => r.kind !== 'unchanged');
  if (changed.length) {
    lines.push('| replication | stack | change | markets |', '|---|---|---|---|');
    for (const r of changed) {
      const markets =
        r.kind === 'replaced'
          ? `${r.marketsBefore.join(', ')} → ${r.marketsAfter.join(', ')}`
          : (r.marketsAfter.length ? r.marketsAfter : r.marketsBefore).join(', ');
      lines.push(
        `| ${r.service} from ${r.source} into p${r.phase} ${r.location} | ${r.stack} | ${r.kind}${r.kind === 'replaced' ? ' (a new full load)' : ''} | ${markets} |`,
      );
    }
    lines.push('');
  }
  for (const { market, location } of t.rowsToRemove) {
    lines.push(
      `- Action: delete ${market}'s rows at ${location} (platform.yaml removeRowsFrom): ${market} may not keep them there.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The lines `npm run report` prints for a transition. */
export function transitionSummary(t: PlanTransition): string[] {
  const lines = [
    `Transition: ${t.moves.length} market/service move(s), ${t.replications.filter((r) => r.kind !== 'unchanged').length} replication change(s), ${t.cutovers.map((c) => `phase ${c.phase} ${c.service} ${c.before} -> ${c.after} %`).join(', ') || 'no cutover change'}.`,
  ];
  for (const r of t.refusals) lines.push(`  REFUSED (${r.rule}) ${r.stack}: ${r.message}; instead: ${r.step}`);
  return lines;
}
