/**
 * A report as one self-contained HTML5 document for screen and print: inline print CSS
 * (A4 pages, headings kept with what follows, table rows not split), no scripts, no
 * external resources. Every value goes through `escapeHtml`; only this file writes tags.
 */
import { ComposedReport } from '../report-model';
import { Block, PaperSection, layOut, linesOf } from './layout';

const STYLE = `
@page { size: A4; margin: 20mm 18mm 22mm; }
html { color: #111; background: #fff; }
body { font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 11pt;
  line-height: 1.4; max-width: 180mm; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0.2em 0 0.6em; }
h2 { font-size: 13pt; margin: 1.6em 0 0.5em; }
h3 { font-size: 11.5pt; margin: 1.1em 0 0.4em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li { orphans: 3; widows: 3; }
.council { font-weight: bold; margin: 0; }
.public { font-weight: bold; margin: 0.8em 0 0; }
p.numbered { padding-left: 3em; text-indent: -3em; }
.num { display: inline-block; width: 3em; text-indent: 0; }
ol.lettered { list-style-type: lower-alpha; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { border: 1px solid #444; padding: 4px 6px; text-align: left; vertical-align: top; }
thead th, table.fields th { background: #e6e6e6; }
td.numeric, th.numeric { text-align: right; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.badge { display: inline-block; padding: 0 0.5em; border: 1px solid #111; border-radius: 3px;
  font-weight: bold; letter-spacing: 0.03em; }
.rag-red { background: #c62828; color: #fff; }
.rag-amber { background: #ffbf00; color: #111; }
.rag-green { background: #2e7d32; color: #fff; }
.rag-none { background: #eee; color: #111; }
.sign-off { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  .badge, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export function renderHtml(report: ComposedReport): string {
  const paper = layOut(report);
  const fields = paper.fields
    .map((f) => `<tr><th scope="row">${escapeHtml(f.label)}</th><td>${text(f.value)}</td></tr>`)
    .join('\n');
  const sections = paper.sections.map((s) => section(s, 'section'));
  if (paper.signOff) sections.push(section(paper.signOff, 'section sign-off'));
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(paper.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<p class="council">${escapeHtml(paper.councilLine)}</p>
<h1>${escapeHtml(paper.title)}</h1>
<table class="fields">
<colgroup><col style="width: 28%"><col></colgroup>
<tbody>
${fields}
</tbody>
</table>
${paper.publicLine ? `<p class="public">${escapeHtml(paper.publicLine)}</p>` : ''}
</header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

function section(s: PaperSection, className: string): string {
  return `<section class="${className}">
<h2>${escapeHtml(s.heading)}</h2>
${s.blocks.map(block).join('\n')}
</section>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'subheading':
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case 'paragraph':
      return b.number
        ? `<p class="numbered"><span class="num">${escapeHtml(b.number)}</span> ${text(b.text)}</p>`
        : `<p>${text(b.text)}</p>`;
    case 'labelled':
      return `<p><strong>${escapeHtml(b.label)}:</strong> ${text(b.text)}</p>`;
    case 'list': {
      const items = b.items.map((item) => `<li>${text(item)}</li>`).join('\n');
      return b.style === 'lettered'
        ? `<ol class="lettered" type="a">\n${items}\n</ol>`
        : `<ul>\n${items}\n</ul>`;
    }
    case 'table':
      return table(b);
    case 'rag':
      return `<p class="rag"><strong>RAG:</strong> <span class="badge rag-${b.rag ?? 'none'}">${escapeHtml(b.word)}</span>${b.detail ? ` — ${text(b.detail)}` : ''}</p>`;
  }
}

function table(b: Extract<Block, { kind: 'table' }>): string {
  const total = b.widths.reduce((sum, w) => sum + w, 0);
  const cols = b.widths.map((w) => `<col style="width: ${((100 * w) / total).toFixed(1)}%">`);
  const align = (i: number) => (b.numeric?.[i] ? ' class="numeric"' : '');
  const head = b.columns.map((c, i) => `<th scope="col"${align(i)}>${escapeHtml(c)}</th>`);
  const rows = b.rows.map(
    (row) => `<tr>${row.map((c, i) => `<td${align(i)}>${text(c)}</td>`).join('')}</tr>`,
  );
  return `<table>
<colgroup>${cols.join('')}</colgroup>
<thead><tr>${head.join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** A value with its line breaks kept. */
function text(value: string): string {
  return linesOf(value).map(escapeHtml).join('<br>');
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
