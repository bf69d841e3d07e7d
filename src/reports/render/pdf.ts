/**
 * A report as an A4 PDF (pdfmake 0.3 on Node): the title in the document's metadata, the
 * header and data as bordered tables whose heading rows repeat on each page, page numbers
 * in the footer. pdfmake takes every string as literal text, so values need no escaping.
 *
 * Fonts: pdfmake's Node build reads TrueType files from disk, and the package ships Roboto
 * in `pdfmake/fonts/Roboto/`; nothing is downloaded. pdfmake is one shared instance, so
 * each render sets its fonts again and allows it those four files only and no URL at all.
 */
import { dirname, join } from 'node:path';
// pdfmake exports one instance whose methods live on its prototype: a namespace import
// (`import * as`) copies own properties only, so it would lose them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import pdfmake = require('pdfmake');
import type {
  Content,
  CustomTableLayout,
  TDocumentDefinitions,
  TableCell,
} from 'pdfmake/interfaces';
import { ComposedReport, Rag } from '../report-model';
import { Block, Paper, PaperSection, layOut, linesOf } from './layout';

const FONT_DIR = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const ROBOTO = {
  normal: join(FONT_DIR, 'Roboto-Regular.ttf'),
  bold: join(FONT_DIR, 'Roboto-Medium.ttf'),
  italics: join(FONT_DIR, 'Roboto-Italic.ttf'),
  bolditalics: join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
};
const FONT_FILES = new Set(Object.values(ROBOTO));

/** A4 is 595 × 842 points. */
const MARGIN = { side: 50, top: 50, bottom: 60 };
const RAG_COLOURS: Record<Rag | 'none', { background: string; color: string }> = {
  red: { background: '#c62828', color: '#ffffff' },
  amber: { background: '#ffbf00', color: '#000000' },
  green: { background: '#2e7d32', color: '#ffffff' },
  none: { background: '#eeeeee', color: '#000000' },
};

export async function renderPdf(report: ComposedReport): Promise<Buffer> {
  pdfmake.setFonts({ Roboto: ROBOTO });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => FONT_FILES.has(path));
  return pdfmake.createPdf(definition(layOut(report))).getBuffer();
}

function definition(paper: Paper): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageMargins: [MARGIN.side, MARGIN.top, MARGIN.side, MARGIN.bottom],
    info: { title: paper.title, subject: paper.councilLine, creator: 'Joint Working Hub' },
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    styles: {
      council: { bold: true, fontSize: 10, margin: [0, 0, 0, 4] },
      title: { bold: true, fontSize: 16, margin: [0, 0, 0, 10] },
      h2: { bold: true, fontSize: 12, margin: [0, 14, 0, 6] },
      h3: { bold: true, fontSize: 10.5, margin: [0, 8, 0, 4] },
      th: { bold: true },
      public: { bold: true, margin: [0, 8, 0, 0] },
      footer: { fontSize: 8, color: '#444444' },
    },
    content: [
      { text: paper.councilLine, style: 'council' },
      { text: paper.title, style: 'title' },
      fieldsTable(paper.fields),
      ...(paper.publicLine ? [{ text: paper.publicLine, style: 'public' }] : []),
      ...paper.sections.flatMap(section),
      // The sign-off is signed as one: it never splits across pages.
      ...(paper.signOff ? [{ stack: section(paper.signOff), unbreakable: true }] : []),
    ],
    // A heading that would end a page moves to the next one, with what it introduces.
    // (The footer is among the following nodes of every page: only the others count.)
    pageBreakBefore: (node, nodes) =>
      node.headlineLevel !== undefined &&
      !nodes.getFollowingNodesOnPage().some((n) => n.style !== 'footer'),
    footer: (currentPage, pageCount) => ({
      style: 'footer',
      margin: [MARGIN.side, 24, MARGIN.side, 0],
      columns: [
        { text: paper.title, width: '*', style: 'footer' },
        {
          text: `Page ${currentPage} of ${pageCount}`,
          width: 'auto',
          alignment: 'right',
          style: 'footer',
        },
      ],
    }),
  };
}

function section(s: PaperSection): Content[] {
  return [{ text: s.heading, style: 'h2', headlineLevel: 1 }, ...s.blocks.map(block)];
}

function block(b: Block): Content {
  switch (b.kind) {
    case 'subheading':
      return { text: b.text, style: 'h3', headlineLevel: 2 };
    case 'paragraph':
      return b.number
        ? {
            columns: [
              { text: b.number, width: 32 },
              { text: lines(b.text), width: '*' },
            ],
            margin: [0, 0, 0, 6],
          }
        : { text: lines(b.text), margin: [0, 0, 0, 6] };
    case 'labelled':
      return { text: [{ text: `${b.label}: `, bold: true }, lines(b.text)], margin: [0, 0, 0, 6] };
    case 'list':
      return b.style === 'lettered'
        ? { ol: b.items.map(lines), type: 'lower-alpha', margin: [12, 0, 0, 6] }
        : { ul: b.items.map(lines), margin: [12, 0, 0, 6] };
    case 'table':
      return dataTable(b);
    case 'rag': {
      const { background, color } = RAG_COLOURS[b.rag ?? 'none'];
      return {
        text: [
          { text: 'RAG: ', bold: true },
          { text: `\u00a0${b.word}\u00a0`, bold: true, background, color },
          ...(b.detail ? [{ text: ` — ${lines(b.detail)}` }] : []),
        ],
        margin: [0, 0, 0, 6],
      };
    }
  }
}

function fieldsTable(fields: Paper['fields']): Content {
  return {
    table: {
      widths: [130, '*'],
      body: fields.map((f): TableCell[] => [
        { text: f.label, style: 'th' },
        { text: lines(f.value) },
      ]),
    },
    layout: gridLayout((_row, column) => column === 0),
  };
}

function dataTable(b: Extract<Block, { kind: 'table' }>): Content {
  const total = b.widths.reduce((sum, w) => sum + w, 0);
  const align = (i: number) => (b.numeric?.[i] ? 'right' : 'left');
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: b.widths.map((w) => `${((100 * w) / total).toFixed(2)}%`),
      body: [
        b.columns.map((c, i): TableCell => ({ text: c, style: 'th', alignment: align(i) })),
        ...b.rows.map((row) =>
          row.map((c, i): TableCell => ({ text: lines(c), alignment: align(i) })),
        ),
      ],
    },
    layout: gridLayout((row) => row === 0),
    margin: [0, 2, 0, 8],
  };
}

function gridLayout(shaded: (row: number, column: number) => boolean): CustomTableLayout {
  return {
    hLineWidth: () => 0.5,
    vLineWidth: () => 0.5,
    hLineColor: () => '#444444',
    vLineColor: () => '#444444',
    fillColor: (row, _node, column) => (shaded(row, column) ? '#e6e6e6' : null),
    paddingLeft: () => 5,
    paddingRight: () => 5,
    paddingTop: () => 3,
    paddingBottom: () => 3,
  };
}

/** A value with its line breaks kept and its empty lines dropped. */
function lines(value: string): string {
  return linesOf(value).join('\n');
}
