/**
 * One composed report, four formats (README, Reports): the layout is decided once in
 * `layout.ts`; each renderer writes and escapes for its own format.
 */
import { ComposedReport } from '../report-model';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

export const REPORT_FORMATS = ['md', 'html', 'docx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  extension: ReportFormat;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

export async function renderReport(
  report: ComposedReport,
  format: ReportFormat,
): Promise<RenderedReport> {
  const body = await renderBody(report, format);
  return { body, contentType: CONTENT_TYPES[format], extension: format };
}

function renderBody(report: ComposedReport, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'md':
      return Promise.resolve(Buffer.from(renderMarkdown(report), 'utf8'));
    case 'html':
      return Promise.resolve(Buffer.from(renderHtml(report), 'utf8'));
    // Word and PDF load their libraries (and fonts) on first use: about 35 MB a process that
    // never renders one does not hold.
    case 'docx':
      return import('./docx').then((docx) => docx.renderDocx(report));
    case 'pdf':
      return import('./pdf').then((pdf) => pdf.renderPdf(report));
  }
}

export { renderHtml, renderMarkdown };
