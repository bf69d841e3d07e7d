import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import mammoth from 'mammoth';
import { clydeValleyReport, scriptTitleReport } from '../../../test/fixtures/clyde-valley-report';
import { ComposedReport, editionOf } from '../report-model';
import { escapeHtml } from './html';
import { renderDocx } from './docx';
import { renderHtml, renderMarkdown, renderReport } from './index';
import { renderPdf } from './pdf';

/** The text of a PDF as poppler's pdftotext reads it, whitespace folded to single spaces. */
function pdfText(pdf: Buffer): string {
  return fold(execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8'));
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ');
}

async function docxText(docx: Buffer): Promise<{ raw: string; html: string }> {
  const [raw, html] = await Promise.all([
    mammoth.extractRawText({ buffer: docx }),
    mammoth.convertToHtml({ buffer: docx }),
  ]);
  return { raw: fold(raw.value), html: html.value };
}

const SCRIPT_TITLE = '<script>alert(1)</script>';

describe('report renderers', () => {
  describe('Markdown', () => {
    const md = renderMarkdown(clydeValleyReport);

    it('numbers the sections and upper-cases their headings as the seeds do', () => {
      expect(md).toMatch(/^# Clyde Valley Community Planning Partnership/);
      expect(md).toContain('\n## 1.0 PURPOSE\n');
      expect(md).toContain('\n## 2.0 SUMMARY\n');
      expect(md).toContain('\n## 3.0 RECOMMENDATIONS\n');
      expect(md).toContain('\n1.1 The purpose of this Report');
    });

    it('puts the header in a table and says whether the report is public', () => {
      expect(md).toContain('| Report To | Inverclyde Council |');
      expect(md).toContain('| Report No | IC/01/10/PW/MMcK |');
      expect(md).toContain('| Date | 18 February 2010 |');
      expect(md).toContain('**This report is public**');
    });

    it('letters the recommendations and labels the implications', () => {
      expect(md).toContain('\na. note the current position');
      expect(md).toContain('\nd. that further updates');
      expect(md).toContain('**Legal:** None at present');
      expect(md).toContain('**Equality and Diversity:** An impact assessment');
    });

    it('writes the lead authorities and key actions as tables', () => {
      expect(md).toContain('| Priority | Work Stream | Lead Authorities |');
      expect(md).toContain(
        '| 5 | Developing an Approach to the Back Office | East Renfrewshire and Inverclyde |',
      );
      expect(md).toContain('| Action | Contributory officer / partner | Milestone | Timescale |');
      expect(md).toContain('| Chief Executive<br>East Renfrewshire Council |');
    });

    it('gives each workstream its RAG label, savings and sign-off', () => {
      expect(md).toContain('**RAG: AMBER** — Lead officer not yet identified');
      expect(md).toContain('**RAG: GREEN** — as at 31 January 2010');
      expect(md).toContain('| 2011/12 | £250,000 | £12,345.67 |');
      expect(md).toContain('| Accountable Director | Paul Wallace | 8 February 2010 |');
    });

    it('escapes values so that they cannot become markup', () => {
      const out = renderMarkdown(scriptTitleReport);
      expect(out).toContain('# \\<script\\>alert(1)\\</script\\>');
      expect(out).not.toMatch(/(^|[^\\])<(script|img|b)/);
      expect(out).toContain('Cabinet \\| \\*bold\\* \\_em\\_ \\`code\\` \\[link\\](javascript');
      expect(out).toContain('1.1 \\# not a heading  \n\\- not a list  \n1\\. not a list \\&amp;');
      expect(out).toContain('**This report is not for publication**');
    });
  });

  describe('HTML', () => {
    const html = renderHtml(clydeValleyReport);

    it('is one self-contained document with print CSS and no scripts or external resources', () => {
      expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB">/);
      expect(html).toContain('@page { size: A4;');
      expect(html).toContain('page-break-after: avoid');
      expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:|\/\//i);
    });

    it('has the numbered headings, the header table and the table rows', () => {
      expect(html).toContain('<h2>1.0 PURPOSE</h2>');
      expect(html).toContain('<h2>3.0 RECOMMENDATIONS</h2>');
      expect(html).toContain('<tr><th scope="row">Report No</th><td>IC/01/10/PW/MMcK</td></tr>');
      expect(html).toContain(
        '<td>Developing an Approach to the Back Office</td><td>East Renfrewshire and Inverclyde</td>',
      );
      expect(html).toContain('<ol class="lettered" type="a">');
    });

    it('shows the RAG status as a coloured badge that carries the word', () => {
      expect(html).toContain('<span class="badge rag-amber">AMBER</span>');
      expect(html).toContain('<span class="badge rag-green">GREEN</span>');
    });

    it('escapes every value', () => {
      const out = renderHtml(scriptTitleReport);
      expect(out).not.toContain('<script');
      expect(out).not.toContain('<img');
      expect(out).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
      expect(out).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
      expect(out).toContain('O&#39;Brien &lt;img src=x onerror=alert(1)&gt;');
      expect(out).toContain('Test &amp; &quot;Quote&quot; Council');
    });

    it('escapes any text so that it reads back unchanged', () => {
      const unescape = (s: string) =>
        s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) =>
          e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
        );
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (value) => {
          const escaped = escapeHtml(value);
          expect(escaped).not.toMatch(/[<>"']/);
          expect(unescape(escaped)).toBe(value);
        }),
      );
    });
  });

  describe('Word', () => {
    let docx: { raw: string; html: string };
    beforeAll(async () => {
      docx = await docxText(await renderDocx(clydeValleyReport));
    });

    it('uses real heading styles for the title and the numbered sections', () => {
      expect(docx.html).toContain('<h1>Clyde Valley Community Planning Partnership');
      expect(docx.html).toContain('<h2>1.0 PURPOSE</h2>');
      expect(docx.html).toContain('<h2>3.0 RECOMMENDATIONS</h2>');
      expect(docx.html).toContain('<h3>Key actions</h3>');
    });

    it('writes the recommendations as a Word list and the header and data as Word tables', () => {
      expect(docx.html).toContain('<ol><li>note the current position');
      expect(docx.html).toContain(
        '<td><p>Developing an Approach to the Back Office</p></td><td><p>East Renfrewshire and Inverclyde</p></td>',
      );
      expect(docx.html).toContain(
        '<td><p><strong>Report No</strong></p></td><td><p>IC/01/10/PW/MMcK</p></td>',
      );
      expect(docx.html).toContain(
        '<th><p><strong>Contributory officer / partner</strong></p></th>',
      );
    });

    it('carries the RAG word and the sign-off', () => {
      expect(docx.raw).toContain('RAG: AMBER — Lead officer not yet identified');
      expect(docx.raw).toContain('Accountable Director Paul Wallace 8 February 2010');
    });

    it('keeps markup in values as literal text', async () => {
      const out = await docxText(await renderDocx(scriptTitleReport));
      expect(out.raw).toContain(SCRIPT_TITLE);
      expect(out.html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
      expect(out.html).not.toContain('<script');
    });
  });

  describe('PDF', () => {
    let pdf: Buffer;
    let text: string;
    beforeAll(async () => {
      pdf = await renderPdf(clydeValleyReport);
      text = pdfText(pdf);
    });

    it('is an A4 PDF with the title in its metadata and page numbers in the footer', () => {
      expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
      const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
      expect(info).toMatch(/^Title: +Clyde Valley Community Planning Partnership/m);
      expect(info).toMatch(/^Page size: +595\.\d+ x 841\.\d+ pts \(A4\)/m);
      expect(text).toMatch(/Page 1 of \d/);
    });

    it('has the title, the numbered headings and the table rows', () => {
      expect(text).toContain('Review of Joint Working and Shared Services – Next Steps');
      expect(text).toContain('1.0 PURPOSE');
      expect(text).toContain('3.0 RECOMMENDATIONS');
      expect(text).toContain('Report No IC/01/10/PW/MMcK');
      expect(text).toContain(
        'Developing an Approach to the Back Office East Renfrewshire and Inverclyde',
      );
      expect(text).toContain('RAG: AMBER');
    });

    it('prints markup in values as literal text', async () => {
      expect(pdfText(await renderPdf(scriptTitleReport))).toContain(SCRIPT_TITLE);
    });
  });

  describe('the public edition', () => {
    const publicReport = editionOf(clydeValleyReport, 'public');
    const INTERNAL = [
      '01475 712042',
      'miriam.mckenna@inverclyde.example',
      'SIGN-OFF',
      'Paul Wallace',
      'Accountable Officer',
      'OFFICER NOTES',
      'Negotiating position',
    ];
    const texts: Record<string, (report: ComposedReport) => Promise<string>> = {
      Markdown: (report) => Promise.resolve(renderMarkdown(report)),
      HTML: (report) => Promise.resolve(renderHtml(report)),
      Word: async (report) => (await docxText(await renderDocx(report))).raw,
      PDF: async (report) => pdfText(await renderPdf(report)),
    };

    it.each(Object.keys(texts))(
      'leaves out the sign-off, the contact details and internal sections in %s',
      async (format) => {
        const internal = await texts[format](clydeValleyReport);
        const published = await texts[format](publicReport);
        for (const value of INTERNAL) {
          expect(internal).toContain(value);
          expect(published).not.toContain(value);
        }
        expect(published).toContain('Miriam McKenna');
        expect(published).toContain('This report is public');
      },
    );

    it('leaves out the internal section of the script fixture in every format', async () => {
      for (const format of Object.keys(texts)) {
        const out = await texts[format](editionOf(scriptTitleReport, 'public'));
        expect(out).not.toContain('Internal only paragraph');
        expect(out).not.toContain('0100 000000');
      }
    });
  });

  describe('renderReport', () => {
    it.each([
      ['md', 'text/markdown; charset=utf-8'],
      ['html', 'text/html; charset=utf-8'],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['pdf', 'application/pdf'],
    ] as const)('renders %s as %s', async (format, contentType) => {
      const rendered = await renderReport(clydeValleyReport, format);
      expect(rendered.contentType).toBe(contentType);
      expect(rendered.extension).toBe(format);
      expect(rendered.body.length).toBeGreaterThan(1000);
    });

    it('writes a Word file as a zip and Markdown and HTML as UTF-8', async () => {
      const docx = await renderReport(clydeValleyReport, 'docx');
      expect(docx.body.subarray(0, 2).toString('latin1')).toBe('PK');
      const md = await renderReport(clydeValleyReport, 'md');
      expect(md.body.toString('utf8')).toContain('£12,345.67');
    });
  });
});
