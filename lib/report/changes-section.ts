/** The report's "Changes" section (`--against`): what deploying over BASE loses, what is refused, what changes. */
import type { AssemblyComparison, ResourceChange } from './compare';
import { code, count, details, plural, table } from './markdown';

/** The section, stores at risk and refused changes first. */
export function changesSection(againstDir: string, result: AssemblyComparison): string {
  const by = (kind: ResourceChange['kind']) => result.resources.filter((r) => r.kind === kind);
  const row = (r: ResourceChange) => [
    r.stateful ? '**yes**' : 'no',
    r.constructPath ?? `${r.stack}/${r.logicalId}`,
    r.type,
    r.newLogicalId ? `${r.logicalId} -> ${r.newLogicalId}` : r.logicalId,
    r.reasons.join('\n') || '-',
  ];
  const headers = ['stateful', 'construct', 'type', 'logical ID', 'why'];
  const statefulFirst = (a: ResourceChange, b: ResourceChange) => Number(b.stateful) - Number(a.stateful);
  const replaced = [...by('replaced'), ...by('may be replaced')].sort(statefulFirst);
  const removed = by('removed').sort(statefulFirst);
  const out = [`## Changes against ${code(againstDir)}`, ''];
  if (result.dataAtRisk.length > 0) {
    const network = result.networkAtRisk.length;
    const lost = result.dataAtRisk.length - network;
    const headline = [
      lost ? `**${plural(lost, 'stateful resource')} would be replaced or deleted.**` : '',
      network ? `**${plural(network, 'store')} would be left on a network that is replaced.**` : '',
    ];
    out.push(
      '> [!CAUTION]',
      `> ${headline.filter(Boolean).join(' ')} Their data does not follow: restore it from a snapshot or backup, or undo the change (rename back, keep the create-only property, keep the network). \`npm run report\` exits 2.`,
      ...result.dataAtRisk.map((d) => `> - ${d}`),
      '',
    );
  } else {
    out.push('No stateful resource is replaced or deleted.', '');
  }
  if (result.refusals.length > 0) {
    out.push(
      '> [!CAUTION]',
      `> **${plural(result.refusals.length, 'change')} the deployed system would refuse.** Each says what works instead. \`npm run report\` exits 2.`,
      ...result.refusals.flatMap((r) => [
        `> - **${r.rule}** in ${code(r.stack)}: ${r.message}.`,
        `>   - Instead: ${r.procedure}`,
      ]),
      '',
    );
  }
  if (result.dataPossiblyAtRisk.length > 0) {
    out.push(
      '> [!WARNING]',
      `> **${plural(result.dataPossiblyAtRisk.length, 'stateful resource')} may be replaced**: the changed property replaces the resource only in some cases (the schema says "maybe"). Check the property's "Update requires" in the CloudFormation reference before deploying.`,
      ...result.dataPossiblyAtRisk.map((d) => `> - ${d}`),
      '',
    );
  }
  const stackRows = result.stacks.map((s) => [
    s.kind === 'removed' && s.renamedTo ? `renamed to ${s.renamedTo.stackName}` : s.kind,
    s.stack.path,
    s.stack.stackName,
    s.stack.region,
    s.statefulResources.length
      ? `${plural(s.statefulResources.length, 'stateful resource')}${s.kind === 'removed' && !s.renamedTo ? ': `cdk deploy` leaves a removed stack in place; `cdk destroy` would delete it' : ''}`
      : '-',
  ]);
  out.push(
    `**Stacks:** ${plural(result.stacks.filter((s) => s.kind === 'added').length, 'added', 'added')}, ${plural(result.stacks.filter((s) => s.kind === 'removed').length, 'removed', 'removed')}.`,
    '',
  );
  if (stackRows.length) out.push(table(['change', 'stack', 'name', 'region', 'holds'], stackRows), '');
  out.push(
    `**Resources:** ${count(replaced.length)} replaced or possibly replaced, ${count(removed.length)} removed, ${count(by('added').length)} added, ${count(by('modified').length)} modified in place.`,
    '',
  );
  if (replaced.length) out.push('### Replaced', '', table(headers, replaced.map(row)), '');
  if (removed.length) out.push('### Removed', '', table(headers, removed.map(row)), '');
  if (by('added').length) {
    out.push(details(`Added (${by('added').length})`, table(headers, by('added').map(row))), '');
  }
  if (by('modified').length) {
    out.push(details(`Modified in place (${by('modified').length})`, table(headers, by('modified').map(row))), '');
  }
  return out.join('\n');
}

/** What `npm run report` prints for each refused change: the message, then what to do instead. */
export function refusalLines(result: AssemblyComparison): string[] {
  return result.refusals.flatMap((r) => [`  REFUSED (${r.rule}): ${r.message}`, `    instead: ${r.procedure}`]);
}
