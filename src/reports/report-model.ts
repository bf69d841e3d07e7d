/**
 * A progress report as its renderers see it (README, Reports): the header of a committee
 * paper, its numbered sections, and its sign-off. The reports service builds one from a
 * stored (or frozen) report; `editionOf` makes the public edition; each renderer in
 * `src/reports/render/` turns one into Markdown, HTML, Word or PDF in the seeds' layout.
 * Every value is plain text: renderers escape it for their format.
 */
export const REPORT_TYPES = [
  'committee_report',
  'partnership_progress_report',
  'improvement_priority_report',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export type Rag = 'red' | 'amber' | 'green';
export type Edition = 'internal' | 'public';

export interface ContactOfficer {
  name: string;
  jobTitle: string | null;
  /** Left out of the public edition. */
  telephone: string | null;
  /** Left out of the public edition. */
  email: string | null;
}

export interface ReportHeader {
  title: string;
  type: ReportType;
  /** The council that owns the report. */
  councilName: string;
  partnershipName: string | null;
  /** "Report To": the meeting or decision body, e.g. "Inverclyde Council", "Cabinet". */
  meeting: string | null;
  /** YYYY-MM-DD */
  meetingDate: string | null;
  /** "Report No", e.g. IC/01/10/PW/MMcK */
  reference: string | null;
  forwardPlanReference: string | null;
  keyDecision: boolean | null;
  /** "Report By", e.g. "Corporate Director Improvement and Performance". */
  reportBy: string | null;
  contact: ContactOfficer | null;
  wards: string | null;
  /** YYYY-MM-DD: the report shows the state as at `periodTo`. */
  periodFrom: string | null;
  periodTo: string;
  /** "This report is public" when true, "not for publication" when false, no line when not stated. */
  isPublic: boolean | null;
  status: 'draft' | 'submitted' | 'approved';
}

export interface KeyActionRow {
  action: string;
  /** Contributory officer or partner. */
  contributors: string | null;
  milestone: string | null;
  timescale: string | null;
}

export interface WorkstreamContent {
  title: string;
  /** The partnership's priority rank. */
  priorityRank: number | null;
  leadAuthorities: string[];
  phase: string;
  rag: Rag | null;
  ragReason: string | null;
  /** YYYY-MM-DD of the status update shown. */
  ragAsOf: string | null;
  achievements: string | null;
  challenges: string | null;
  risks: { description: string; score: number | null }[];
  overdueMilestones: { title: string; dueOn: string }[];
  keyActions: KeyActionRow[];
  /** The ledger for the period's financial year; null when the workstream has no savings lines then. */
  savings: { financialYear: string; plannedPence: number; realisedPence: number } | null;
}

export interface AgreementContent {
  reference: string;
  title: string;
  status: string;
  parties: { name: string; contribution: string | null }[];
  purposes: string[];
  legalBasis: string[];
  reviewDate: string | null;
}

interface SectionBase {
  /** Stable id, for editing. */
  id: string;
  heading: string;
  /** Left out of the public edition. */
  internal: boolean;
}

export type ReportSection =
  | (SectionBase & { kind: 'text'; paragraphs: string[] })
  | (SectionBase & { kind: 'recommendations'; intro: string | null; items: string[] })
  | (SectionBase & { kind: 'implications'; items: { label: string; text: string }[] })
  | (SectionBase & {
      kind: 'lead_authorities';
      rows: { priority: number | null; title: string; leads: string }[];
    })
  | (SectionBase & { kind: 'workstream'; workstream: WorkstreamContent })
  | (SectionBase & { kind: 'agreement'; agreement: AgreementContent });

export interface SignOff {
  /** Who the report is by, as signed (e.g. "Paul Wallace, Corporate Director"). */
  signedBy: string | null;
  accountableOfficer: { name: string; on: string } | null;
  accountableDirector: { name: string; on: string } | null;
}

export interface ComposedReport {
  header: ReportHeader;
  /** In order; renderers number them 1.0, 2.0, … */
  sections: ReportSection[];
  /** Left out of the public edition. */
  signOff: SignOff | null;
}

/**
 * The public edition leaves out the sign-off block, the contact officer's telephone and
 * email, and every section marked internal.
 */
export function editionOf(report: ComposedReport, edition: Edition): ComposedReport {
  if (edition === 'internal') return report;
  const contact = report.header.contact && {
    ...report.header.contact,
    telephone: null,
    email: null,
  };
  return {
    header: { ...report.header, contact },
    sections: report.sections.filter((section) => !section.internal),
    signOff: null,
  };
}

/** £1,234.56 from pence (renderers share one money format). */
export function pounds(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const whole = Math.floor(abs / 100).toLocaleString('en-GB');
  const rest = abs % 100;
  return `${sign}£${whole}${rest ? `.${String(rest).padStart(2, '0')}` : ''}`;
}

/** 18 February 2010 from 2010-02-18. */
export function longDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return `${d} ${months[m - 1]} ${y}`;
}
