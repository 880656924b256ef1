/**
 * Template values in the short form a reviewer reads on one line: scalars as they are, intrinsic
 * functions as what they name (`Ref X`, `X.Attr`, `import NAME`), long JSON summarized.
 */

import { differingPaths, valueAt } from './template-references';

/** Longest text shown for one value before it is cut. */
export const SHORT_VALUE_CHARS = 80;

/** One changed property: `Weight changed: 50 -> 100`. */
export function changeLine(path: readonly (string | number)[], before: unknown, after: unknown): string {
  const [was, now] = [shortValue(before), shortValue(after)];
  const line = `${path.join('.') || '(value)'} changed: ${was} -> ${now}`;
  if (was !== now) return line;
  // Summaries alike (two JSON strings of as many rules): name the first place they differ.
  const [a, b] = [parsed(before), parsed(after)];
  const [first] = differingPaths(a, b);
  return first?.length
    ? `${line} (${first.join('.')}: ${shortValue(valueAt(a, first))} -> ${shortValue(valueAt(b, first))})`
    : line;
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A template value on one line, at most about {@link SHORT_VALUE_CHARS} characters. */
export function shortValue(value: unknown): string {
  return cut(render(value));
}

function render(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return renderString(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')))
    return intrinsic(keys[0], record[keys[0]]);
  const rules = record.rules;
  if (Array.isArray(rules)) return `(${rules.length} ${rules.length === 1 ? 'rule' : 'rules'})`;
  return JSON.stringify(value);
}

/** A string as is, unless it holds JSON (DMS settings and table mappings): then summarized like an object. */
function renderString(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed !== null && typeof parsed === 'object') return render(parsed);
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return text;
}

function intrinsic(name: string, argument: unknown): string {
  const args = Array.isArray(argument) ? argument : [argument];
  switch (name) {
    case 'Ref':
      return `Ref ${render(argument)}`;
    case 'Fn::GetAtt':
      return typeof argument === 'string' ? argument : args.map(render).join('.');
    case 'Fn::ImportValue':
      return `import ${render(argument)}`;
    case 'Fn::GetStackOutput': {
      const a = (argument ?? {}) as Record<string, unknown>;
      return `output ${render(a.StackName)}.${render(a.OutputName)}${a.Region ? ` (${render(a.Region)})` : ''}`;
    }
    case 'Fn::Sub':
      return `Sub ${render(args[0])}`;
    case 'Fn::Join':
      return `Join(${JSON.stringify(args[0])}, ${render(args[1])})`;
    default:
      return `${name.replace(/^Fn::/, '')}(${args.map(render).join(', ')})`;
  }
}

function cut(text: string): string {
  return text.length <= SHORT_VALUE_CHARS ? text : `${text.slice(0, SHORT_VALUE_CHARS - 1)}…`;
}
