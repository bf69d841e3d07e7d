/**
 * A report as a Word document (the `docx` package): Heading 1 for the title, Heading 2 for
 * the numbered sections, real Word lists and tables, page numbers in the footer. Values go
 * in as text runs, which the package writes as escaped XML text; characters XML 1.0 cannot
 * hold at all (most control characters) are dropped first.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
} from 'docx';
import { ComposedReport, Rag } from '../report-model';
import { Block, PaperSection, layOut, linesOf } from './layout';

/** A4 in twentieths of a point, with 2 cm margins. */
const PAGE = { width: 11906, height: 16838, margin: 1134 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const LETTERED = 'lettered-recommendations';
const RAG_FILL: Record<Rag | 'none', { fill: string; color: string }> = {
  red: { fill: 'C62828', color: 'FFFFFF' },
  amber: { fill: 'FFBF00', color: '000000' },
  green: { fill: '2E7D32', color: 'FFFFFF' },
  none: { fill: 'EEEEEE', color: '000000' },
};
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '444444' };
const HEADER_FILL = { type: ShadingType.CLEAR, color: 'auto', fill: 'E6E6E6' };

export async function renderDocx(report: ComposedReport): Promise<Buffer> {
  const paper = layOut(report);
  const sections = paper.signOff ? [...paper.sections, paper.signOff] : paper.sections;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ children: [new TextRun({ text: clean(paper.councilLine), bold: true })] }),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: runs(paper.title) }),
    table(
      null,
      paper.fields.map((f) => [f.label, f.value]),
      [28, 72],
    ),
    ...(paper.publicLine
      ? [
          new Paragraph({
            spacing: { before: 160 },
            children: [new TextRun({ text: clean(paper.publicLine), bold: true })],
          }),
        ]
      : []),
    ...sections.flatMap((s, i) => section(s, i)),
  ];
  const doc = new Document({
    title: clean(paper.title),
    subject: clean(paper.councilLine),
    creator: 'Joint Working Hub',
    styles: {
      default: {
        document: { run: { font: 'Arial', size: 22 }, paragraph: { spacing: { after: 120 } } },
        heading1: { run: { font: 'Arial', size: 32, bold: true, color: '000000' } },
        heading2: {
          run: { font: 'Arial', size: 26, bold: true, color: '000000' },
          paragraph: { spacing: { before: 320, after: 120 }, keepNext: true },
        },
        heading3: {
          run: { font: 'Arial', size: 23, bold: true, color: '000000' },
          paragraph: { spacing: { before: 200, after: 80 }, keepNext: true },
        },
      },
    },
    numbering: {
      config: [
        {
          reference: LETTERED,
          levels: [
            {
              level: 0,
              format: LevelFormat.LOWER_LETTER,
              text: '%1.',
              alignment: AlignmentType.START,
              style: { paragraph: { indent: { left: 720, hanging: 360 } } },
            },
          ],
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: {
              top: PAGE.margin,
              bottom: PAGE.margin,
              left: PAGE.margin,
              right: PAGE.margin,
            },
          },
        },
        footers: { default: footer() },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function section(s: PaperSection, index: number): (Paragraph | Table)[] {
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: runs(s.heading) }),
    ...s.blocks.flatMap((b) => block(b, index)),
  ];
}

function block(b: Block, sectionIndex: number): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'subheading':
      return [new Paragraph({ heading: HeadingLevel.HEADING_3, children: runs(b.text) })];
    case 'paragraph':
      if (!b.number) return [new Paragraph({ children: runs(b.text) })];
      // The number hangs in the margin of the paragraph, as in the seeds.
      return [
        new Paragraph({
          indent: { left: 720, hanging: 720 },
          children: [new TextRun({ text: `${b.number}\t` }), ...runs(b.text)],
          tabStops: [{ type: TabStopType.LEFT, position: 720 }],
        }),
      ];
    case 'labelled':
      return [
        new Paragraph({
          children: [new TextRun({ text: `${clean(b.label)}: `, bold: true }), ...runs(b.text)],
        }),
      ];
    case 'list':
      return b.items.map(
        (item) =>
          new Paragraph({
            children: runs(item),
            ...(b.style === 'lettered'
              ? { numbering: { reference: LETTERED, level: 0, instance: sectionIndex } }
              : { bullet: { level: 0 } }),
          }),
      );
    case 'table':
      return [table(b.columns, b.rows, b.widths, b.numeric)];
    case 'rag': {
      const { fill, color } = RAG_FILL[b.rag ?? 'none'];
      return [
        new Paragraph({
          children: [
            new TextRun({ text: 'RAG: ', bold: true }),
            new TextRun({
              text: ` ${b.word} `,
              bold: true,
              color,
              shading: { type: ShadingType.CLEAR, color: 'auto', fill },
            }),
            ...(b.detail ? [new TextRun({ text: ' — ' }), ...runs(b.detail)] : []),
          ],
        }),
      ];
    }
  }
}

/** A bordered table; with `columns` its first row is a repeated header row. */
function table(
  columns: string[] | null,
  rows: string[][],
  widths: number[],
  numeric: boolean[] = [],
): Table {
  const total = widths.reduce((sum, w) => sum + w, 0);
  const columnWidths = widths.map((w) => Math.floor((CONTENT_WIDTH * w) / total));
  const cell = (value: string, i: number, shaded: boolean, bold: boolean) =>
    new TableCell({
      width: { size: columnWidths[i], type: WidthType.DXA },
      margins: { top: 60, bottom: 60, left: 100, right: 100 },
      ...(shaded ? { shading: HEADER_FILL } : {}),
      children: [
        new Paragraph({
          spacing: { after: 0 },
          alignment: numeric[i] ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: runs(value, bold),
        }),
      ],
    });
  const head = columns
    ? [
        new TableRow({
          tableHeader: true,
          cantSplit: true,
          children: columns.map((c, i) => cell(c, i, true, true)),
        }),
      ]
    : [];
  // Without column headings (the report header), the first column holds the labels.
  const body = rows.map(
    (row) =>
      new TableRow({
        cantSplit: true,
        children: row.map((c, i) => cell(c, i, !columns && i === 0, !columns && i === 0)),
      }),
  );
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths,
    borders: {
      top: BORDER,
      bottom: BORDER,
      left: BORDER,
      right: BORDER,
      insideHorizontal: BORDER,
      insideVertical: BORDER,
    },
    rows: [...head, ...body],
  });
}

function footer(): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({
            size: 16,
            children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
          }),
        ],
      }),
    ],
  });
}

/** Text runs for a value, its line breaks kept as Word line breaks. */
function runs(value: string, bold = false): TextRun[] {
  return linesOf(clean(value)).map(
    (line, i) => new TextRun({ text: line, bold, ...(i > 0 ? { break: 1 } : {}) }),
  );
}

/** Drops the characters that XML 1.0 cannot carry, which would make Word refuse the file. */
function clean(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
  );
}
