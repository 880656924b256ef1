/** Small helpers for Markdown that GitHub renders (tables, folded sections, Mermaid). */

/** A cell's text: pipes escaped, line breaks as `<br>`. */
export function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub table; `align` per column, `r` for numbers. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[], align = ''): string {
  if (rows.length === 0) return '_none_';
  const rule = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** A folded section (GitHub renders `<details>`); the blank lines let Markdown inside render. */
export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A fenced Mermaid diagram. */
export function mermaid(source: string): string {
  return `\`\`\`mermaid\n${source}\n\`\`\``;
}

/** Inline code, safe for any text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Mermaid node ID for any name (letters, digits and `_` only; never a keyword such as `end`). */
export function mermaidId(name: string): string {
  return `n_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Text inside a quoted Mermaid label: no double quotes (Mermaid has no escape for them but `#quot;`). */
export function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/** `1,234`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `12 %` of a 0..1 share, one decimal below 10 %. */
export function percent(share: number): string {
  const p = share * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** `1 stack`, `2 stacks`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}
