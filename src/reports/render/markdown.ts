/**
 * A report as Markdown (CommonMark with GitHub tables) that reads well as plain text.
 * Every value goes through `escapeMarkdown`, so a title or a reason can never become markup,
 * a link or raw HTML; only this file writes Markdown syntax.
 */
import { ComposedReport } from '../report-model';
import { Block, PaperSection, layOut, linesOf } from './layout';

export function renderMarkdown(report: ComposedReport): string {
  const paper = layOut(report);
  const parts: string[] = [
    `# ${inline(paper.title)}`,
    inline(paper.councilLine),
    table(
      [paper.fields[0].label, paper.fields[0].value],
      paper.fields.slice(1).map((f) => [f.label, f.value]),
    ),
    ...(paper.publicLine ? [`**${inline(paper.publicLine)}**`] : []),
  ];
  for (const section of paper.sections) parts.push(...sectionParts(section));
  if (paper.signOff) parts.push(...sectionParts(paper.signOff));
  return `${parts.join('\n\n')}\n`;
}

function sectionParts(section: PaperSection): string[] {
  return [`## ${inline(section.heading)}`, ...section.blocks.map(block)];
}

function block(b: Block): string {
  switch (b.kind) {
    case 'subheading':
      return `### ${inline(b.text)}`;
    case 'paragraph':
      return b.number ? `${b.number} ${text(b.text)}` : text(b.text);
    case 'labelled':
      return `**${inline(b.label)}:** ${text(b.text)}`;
    case 'list':
      // "a." is no Markdown list marker: each lettered item stays a line of its own.
      return b.style === 'lettered'
        ? b.items.map((item, i) => `${letter(i)}. ${text(item)}`).join('\n\n')
        : b.items.map((item) => `- ${text(item).replace(/\n/g, '\n  ')}`).join('\n');
    case 'table':
      return table(b.columns, b.rows, b.numeric);
    case 'rag':
      return `**RAG: ${b.word}**${b.detail ? ` — ${text(b.detail)}` : ''}`;
  }
}

function table(columns: string[], rows: string[][], numeric: boolean[] = []): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${columns.map((_, i) => (numeric[i] ? '---:' : '---')).join(' | ')} |`;
  return [line(columns), rule, ...rows.map(line)].join('\n');
}

/** A table cell: one line, its line breaks kept as `<br>` (GitHub's idiom). */
function cell(value: string): string {
  return linesOf(value).map(inline).join('<br>');
}

/** A paragraph: its line breaks kept as hard breaks. */
function text(value: string): string {
  return linesOf(value).map(inline).join('  \n');
}

/** One line of a value, escaped so that it cannot start or contain markup. */
function inline(value: string): string {
  return escapeMarkdown(value.replace(/\s+/g, ' ').trim());
}

/**
 * Backslash-escapes what could open markup anywhere in a line (emphasis, code, links,
 * raw HTML, tables, strikethrough, headings), an `&` that would start an entity, and what
 * would make the line a block (list item, heading underline) when it starts one.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`)
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
}

function letter(index: number): string {
  // 26 recommendations are plenty; past z the letters double as in Word (aa., bb., …).
  return String.fromCharCode(97 + (index % 26)).repeat(Math.floor(index / 26) + 1);
}
