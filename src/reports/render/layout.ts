/**
 * The seeds' layout, decided once for every format (README, Reports): a composed report
 * becomes a paper of header fields, numbered sections ("1.0 PURPOSE") and a few kinds of
 * block. Each renderer only turns these blocks into its format and escapes the text for it,
 * so Markdown, HTML, Word and PDF cannot drift apart in wording or order. Every string here
 * is still plain text.
 */
import {
  AgreementContent,
  ComposedReport,
  Rag,
  ReportHeader,
  ReportSection,
  ReportType,
  SignOff,
  WorkstreamContent,
  longDate,
  pounds,
} from '../report-model';

export type Block =
  | { kind: 'subheading'; text: string }
  /** `number` is the paragraph number ("1.1"), or null for unnumbered text. */
  | { kind: 'paragraph'; text: string; number: string | null }
  | { kind: 'labelled'; label: string; text: string }
  | { kind: 'list'; style: 'lettered' | 'bullet'; items: string[] }
  /** `widths` are relative column weights; `numeric` columns align right. */
  | { kind: 'table'; columns: string[]; rows: string[][]; widths: number[]; numeric?: boolean[] }
  | { kind: 'rag'; rag: Rag | null; word: string; detail: string | null };

export interface PaperSection {
  /** As printed: "1.0 PURPOSE" for a numbered section, "SIGN-OFF" for the sign-off. */
  heading: string;
  blocks: Block[];
}

export interface Paper {
  title: string;
  /** "Inverclyde Council · Committee report" */
  councilLine: string;
  /** The header table, "Report To", "Date", … in the seeds' order; empty fields left out. */
  fields: { label: string; value: string }[];
  /** Null when the report does not say whether it is public. */
  publicLine: string | null;
  sections: PaperSection[];
  signOff: PaperSection | null;
}

const TYPE_LABELS: Record<ReportType, string> = {
  committee_report: 'Committee report',
  partnership_progress_report: 'Partnership progress report',
  improvement_priority_report: 'Improvement priority report',
};

export function layOut(report: ComposedReport): Paper {
  const { header } = report;
  return {
    title: header.title,
    councilLine: `${header.councilName} · ${TYPE_LABELS[header.type]}`,
    fields: headerFields(header),
    publicLine:
      header.isPublic === null
        ? null
        : header.isPublic
          ? 'This report is public'
          : 'This report is not for publication',
    sections: report.sections.map((section, index) => ({
      heading: `${index + 1}.0 ${section.heading.toLocaleUpperCase('en-GB')}`,
      blocks: sectionBlocks(section, index + 1),
    })),
    signOff: report.signOff && signOffSection(report.signOff),
  };
}

function headerFields(header: ReportHeader): Paper['fields'] {
  const contact = header.contact;
  const period = header.periodFrom
    ? `${longDate(header.periodFrom)} to ${longDate(header.periodTo)}`
    : `As at ${longDate(header.periodTo)}`;
  const fields: [string, string | null][] = [
    ['Report To', header.meeting],
    ['Date', header.meetingDate && longDate(header.meetingDate)],
    ['Report By', header.reportBy],
    ['Report No', header.reference],
    ['Contact Officer', contact && [contact.name, contact.jobTitle].filter(Boolean).join(', ')],
    ['Contact No', contact?.telephone ?? null],
    ['Email', contact?.email ?? null],
    ['Subject', header.title],
    ['Partnership', header.partnershipName],
    ['Forward Plan Reference', header.forwardPlanReference],
    ['Key Decision', header.keyDecision === null ? null : header.keyDecision ? 'Yes' : 'No'],
    ['Wards', header.wards],
    ['Period', period],
    ['Status', capitalise(header.status)],
  ];
  return fields.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}

function sectionBlocks(section: ReportSection, number: number): Block[] {
  switch (section.kind) {
    case 'text':
      return section.paragraphs.map((text, i) => ({
        kind: 'paragraph',
        text,
        number: `${number}.${i + 1}`,
      }));
    case 'recommendations':
      return [
        ...(section.intro ? [paragraph(section.intro)] : []),
        { kind: 'list', style: 'lettered', items: section.items },
      ];
    case 'implications':
      return section.items.map(({ label, text }) => ({ kind: 'labelled', label, text }));
    case 'lead_authorities':
      return [
        {
          kind: 'table',
          columns: ['Priority', 'Work Stream', 'Lead Authorities'],
          rows: section.rows.map((row) => [row.priority?.toString() ?? '', row.title, row.leads]),
          widths: [1, 4, 4],
        },
      ];
    case 'workstream':
      return workstreamBlocks(section.workstream);
    case 'agreement':
      return agreementBlocks(section.agreement);
  }
}

function workstreamBlocks(ws: WorkstreamContent): Block[] {
  const blocks: Block[] = [ragBlock(ws)];
  if (ws.priorityRank !== null) blocks.push(labelled('Priority', String(ws.priorityRank)));
  blocks.push(
    labelled('Lead authorities', ws.leadAuthorities.join(', ') || 'None named'),
    labelled('Phase', capitalise(ws.phase.replace(/_/g, ' '))),
  );
  if (ws.achievements) {
    blocks.push(subheading('Achievements since the last report'), ...paragraphs(ws.achievements));
  }
  if (ws.challenges) blocks.push(subheading('Challenges'), ...paragraphs(ws.challenges));
  if (ws.risks.length > 0) {
    const items = ws.risks.map((r) =>
      r.score === null ? r.description : `${r.description} (score ${r.score})`,
    );
    blocks.push(subheading('Risks'), bullets(items));
  }
  if (ws.overdueMilestones.length > 0) {
    const items = ws.overdueMilestones.map((m) => `${m.title} (due ${longDate(m.dueOn)})`);
    blocks.push(subheading('Overdue milestones'), bullets(items));
  }
  if (ws.keyActions.length > 0) {
    blocks.push(subheading('Key actions'), {
      kind: 'table',
      columns: ['Action', 'Contributory officer / partner', 'Milestone', 'Timescale'],
      rows: ws.keyActions.map((a) => [
        a.action,
        a.contributors ?? '',
        a.milestone ?? '',
        a.timescale ?? '',
      ]),
      widths: [4, 3, 4, 2],
    });
  }
  if (!ws.savings) return blocks;
  const { financialYear, plannedPence, realisedPence } = ws.savings;
  blocks.push(subheading('Savings'), {
    kind: 'table',
    columns: ['Financial year', 'Planned', 'Realised'],
    rows: [[financialYear, pounds(plannedPence), pounds(realisedPence)]],
    widths: [2, 2, 2],
    numeric: [false, true, true],
  });
  return blocks;
}

function ragBlock(ws: WorkstreamContent): Block {
  const asOf = ws.ragAsOf && `as at ${longDate(ws.ragAsOf)}`;
  const detail = [ws.ragReason, asOf && (ws.ragReason ? `(${asOf})` : asOf)].filter(Boolean);
  return {
    kind: 'rag',
    rag: ws.rag,
    word: ws.rag ? ws.rag.toUpperCase() : 'NOT REPORTED',
    detail: detail.length > 0 ? detail.join(' ') : null,
  };
}

function agreementBlocks(agreement: AgreementContent): Block[] {
  const blocks: Block[] = [
    labelled('Reference', agreement.reference),
    labelled('Title', agreement.title),
    labelled('Status', capitalise(agreement.status.replace(/_/g, ' '))),
  ];
  if (agreement.reviewDate) blocks.push(labelled('Review date', longDate(agreement.reviewDate)));
  const parties = agreement.parties.map((p) =>
    p.contribution ? `${p.name}: ${p.contribution}` : p.name,
  );
  if (parties.length > 0) blocks.push(subheading('Parties'), bullets(parties));
  if (agreement.purposes.length > 0) {
    blocks.push(
      subheading('Purposes'),
      paragraph('The parties will co-operate in order to:'),
      bullets(agreement.purposes),
    );
  }
  if (agreement.legalBasis.length > 0) {
    blocks.push(subheading('Legal basis'), bullets(agreement.legalBasis));
  }
  return blocks;
}

function signOffSection(signOff: SignOff): PaperSection | null {
  const blocks: Block[] = [];
  if (signOff.signedBy) blocks.push(labelled('Signed', signOff.signedBy));
  const approvals: [string, { name: string; on: string } | null][] = [
    ['Accountable Officer', signOff.accountableOfficer],
    ['Accountable Director', signOff.accountableDirector],
  ];
  const rows = approvals.flatMap(([role, by]) => (by ? [[role, by.name, longDate(by.on)]] : []));
  if (rows.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['Approved by', 'Name', 'Date'],
      rows,
      widths: [3, 3, 2],
    });
  }
  return blocks.length > 0 ? { heading: 'SIGN-OFF', blocks } : null;
}

/** Free text from a status update: a blank line starts a new paragraph. */
function paragraphs(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(paragraph);
}

function paragraph(text: string): Block {
  return { kind: 'paragraph', text, number: null };
}

function labelled(label: string, text: string): Block {
  return { kind: 'labelled', label, text };
}

function subheading(text: string): Block {
  return { kind: 'subheading', text };
}

function bullets(items: string[]): Block {
  return { kind: 'list', style: 'bullet', items };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Lines of a value: renderers keep a value's line breaks and drop its empty lines. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
