import { NagRuleCompliance } from 'cdk-nag';
import { declarationsAbove, NO_PERSONAL_DATA } from '../residency-declaration';
import type { ResidencyRule } from './residency-rule';

/** A declaration inside another keeps (or extends) its markets, unless it says why not. */
export const DeclarationNarrowed: ResidencyRule = {
  id: 'DeclarationNarrowed',
  info: 'A declaration inside a declared stack drops some of its markets without a reason.',
  explanation:
    "A narrower declaration that drops markets of its stack (only the rest of the world, only one market) changes what every rule checks for everything under it. Keep the stack's markets, or give the narrower declaration a reason a reviewer can check (residency.json lists it).",
  check(_policy, node) {
    const [nearest, ...outer] = declarationsAbove(node);
    const enclosing = outer.find((d) => d.declaration.markets !== NO_PERSONAL_DATA);
    if (!nearest || !enclosing || !Array.isArray(nearest.declaration.markets)) return NagRuleCompliance.NOT_APPLICABLE;
    if ('reason' in nearest.declaration && nearest.declaration.reason) return NagRuleCompliance.COMPLIANT;
    const kept = nearest.declaration.markets;
    const dropped = (enclosing.declaration.markets as readonly string[]).filter((m) => !kept.includes(m));
    return dropped.length
      ? dropped.map((m) => `market=${m};dropped-by=${nearest.path.replace(/[^A-Za-z0-9/_-]/g, '_')}`)
      : NagRuleCompliance.COMPLIANT;
  },
};
