// The printable record of an annual review: A4 portrait, one section per part of the review, the
// evidence as it stood (frozen at sign-off), and page numbers. pdfkit's built-in Helvetica only.
import type PDFKit from 'pdfkit';
import { printable } from '../concerns/exports/pdf-table.ts';
import type { Evidence } from './evidence.ts';

type Who = { name: string | null; at: Date | string | null } | null;
export type PrintableReview = {
  periodStart: string;
  periodEnd: string;
  status: string;
  participants: { roleLabel: string; name: string | null }[];
  riskProfile: Record<string, string>;
  standards: { title: string; judgementLabel: string | null; notes: string }[];
  items: { finding: string; action: string; ownerName: string | null; dueOn: string | null }[];
  evidence: Evidence;
  signedOff: (Who & { note: string | null }) | null;
};

const MARGIN = 50;
const ukDate = (v: string | Date | null | undefined) => {
  if (!v) return '—';
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T12:00:00Z`) : new Date(v);
  return Number.isNaN(d.getTime()) ? String(v) : new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
};

const RISK_LABELS: [string, string][] = [
  ['ageRange', 'Age range'],
  ['send', 'Special educational needs and disabilities (SEND)'],
  ['eal', 'English as an additional language (EAL)'],
  ['devices', 'Devices used'],
  ['byod', 'Bring your own device (BYOD)'],
  ['aiTools', 'AI tools'],
  ['notes', 'Other notes'],
];

let pdfkit: Promise<typeof PDFKit> | null = null;

export async function annualReviewPdf(schoolName: string, r: PrintableReview): Promise<Buffer> {
  pdfkit ??= import('pdfkit').then((m) => m.default);
  const PDFDocument = await pdfkit;
  const title = `Annual filtering and monitoring review — ${schoolName}`;
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: printable(title), Subject: 'Filtering and monitoring review record' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const para = (text: string, font = 'Helvetica', size = 10, gap = 2) => {
    doc.font(font).fontSize(size).fillColor('#000000').text(printable(text), MARGIN, undefined, { width });
    doc.moveDown(gap / 10);
  };
  const heading = (text: string) => {
    doc.moveDown(0.6);
    para(text, 'Helvetica-Bold', 12, 3);
  };
  const line = (label: string, value: string) => para(`${label}: ${value || '—'}`);

  para(title, 'Helvetica-Bold', 15, 4);
  para(`Period: ${ukDate(r.periodStart)} to ${ukDate(r.periodEnd)}`);
  para(
    r.signedOff
      ? `Signed off by ${r.signedOff.name ?? 'Unknown'} (governor) on ${ukDate(r.signedOff.at)}${r.signedOff.note ? ` — ${r.signedOff.note}` : ''}`
      : 'DRAFT — not yet signed off by a governor',
    'Helvetica-Bold',
  );

  heading('Who took part');
  if (r.participants.length === 0) para('No participants recorded.', 'Helvetica-Oblique');
  for (const p of r.participants) line(p.roleLabel, p.name ?? 'Unknown');

  heading("Pupils' risk profile");
  for (const [key, label] of RISK_LABELS) line(label, r.riskProfile[key] ?? '');

  heading('The four standards');
  r.standards.forEach((s, i) => {
    para(`${i + 1}. ${s.title}: ${s.judgementLabel ?? 'No judgement yet'}`, 'Helvetica-Bold', 10);
    if (s.notes) para(s.notes);
  });

  const e = r.evidence;
  heading(`Evidence from Haven (${r.signedOff ? 'as at sign-off' : 'as at'} ${ukDate(e.computedAt)})`);
  para('Role holders', 'Helvetica-Bold');
  if (e.roleHolders.length === 0) para('No role holders recorded.', 'Helvetica-Oblique');
  for (const h of e.roleHolders) line(h.roleLabel, h.name);
  para('Filtering change control', 'Helvetica-Bold');
  line('Change requests made in the period', String(e.changeLog.requests));
  line('Entries in the change-control log', `${e.changeLog.entries}${Object.keys(e.changeLog.bySteps).length ? ` (${Object.entries(e.changeLog.bySteps).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
  para('Filter checks', 'Helvetica-Bold');
  line('Checks recorded', `${e.filterChecks.checks} (last on ${ukDate(e.filterChecks.lastCheckedOn)})`);
  line('Categories tested / not blocked', `${e.filterChecks.results} / ${e.filterChecks.notBlocked}`);
  line('Tasks for the IT provider raised / still open', `${e.filterChecks.tasksRaised} / ${e.filterChecks.tasksOpen}`);
  para('Monitoring alerts', 'Helvetica-Bold');
  line('Alerts by priority', `high ${e.alerts.byPriority.high ?? 0}, medium ${e.alerts.byPriority.medium ?? 0}, low ${e.alerts.byPriority.low ?? 0} (total ${e.alerts.total})`);
  line('Alerts by outcome', Object.entries(e.alerts.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'none');
  para('Monitoring reviews', 'Helvetica-Bold');
  line('Reviews in the period', `${e.monitoringReviews.total} (signed off ${e.monitoringReviews.signedOff}, due ${e.monitoringReviews.due}, overdue ${e.monitoringReviews.overdue})`);

  heading('Findings and actions');
  if (r.items.length === 0) para('No findings recorded.', 'Helvetica-Oblique');
  r.items.forEach((it, i) => {
    para(`${i + 1}. ${it.finding}`, 'Helvetica-Bold');
    para(`Action: ${it.action}`);
    para(`Owner: ${it.ownerName ?? '—'} · Due: ${ukDate(it.dueOn)}`);
  });

  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // writing below the bottom margin must not add a page
    const y = doc.page.height - MARGIN + 16;
    doc.font('Helvetica').fontSize(8).fillColor('#333333');
    doc.text(printable(`Filtering and monitoring review · ${schoolName}`), MARGIN, y, { lineBreak: false });
    const label = `Page ${i - start + 1} of ${count}`;
    doc.text(label, MARGIN + width - doc.widthOfString(label), y, { lineBreak: false });
  }
  doc.end();
  return done;
}
