import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { chronologyPdf } from './chronology-pdf.ts';
import { incidentLogCsv, neutraliseCell } from './incident-log-csv.ts';
import { incidentLogPdf } from './incident-log-pdf.ts';
import { printable, wrap } from './pdf-table.ts';
import type { IncidentLogRow } from './types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-exports-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The PDF's text as poppler reads it, one string per page. */
function pdfPages(pdf: Buffer): string[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((p) => p.trim() !== '');
}

const row = (n: number, over: Partial<IncidentLogRow> = {}): IncidentLogRow => ({
  date: '03/02/2026',
  time: '10:15',
  reference: `ABP-${String(n).padStart(4, '0')}`,
  incident: `Incident number ${n}: pupil searched for a blocked game site during ICT`,
  actionTaken: 'Spoke to pupil; informed parents; filter rule checked',
  actionBy: 'J. Okafor (DSL)',
  reportedBy: 'A. Teacher',
  ...over,
});

test('the CSV has the paper columns and round-trips commas, quotes, newlines and accents', () => {
  const tricky = row(1, {
    incident: 'Said "meet me, alone" in chat,\nthen deleted it — Zoë saw',
    actionTaken: 'Line one\r\nline two',
    reportedBy: "O'Brien, Siân",
  });
  const csv = incidentLogCsv([tricky, row(2)]);
  assert.ok(csv.startsWith('\uFEFFDate,Time,Reference,Incident,Action taken,Action by,Reported by\r\n'));
  const parsed: string[][] = parse(csv, { bom: true });
  assert.deepEqual(parsed[0], ['Date', 'Time', 'Reference', 'Incident', 'Action taken', 'Action by', 'Reported by']);
  assert.deepEqual(parsed[1], ['03/02/2026', '10:15', 'ABP-0001', tricky.incident, tricky.actionTaken, 'J. Okafor (DSL)', "O'Brien, Siân"]);
  assert.equal(parsed[2]?.[2], 'ABP-0002');
  assert.equal(parsed.length, 3);
});

test('the CSV neutralises cells a spreadsheet would run as formulas', () => {
  const attacks = ['=HYPERLINK("http://x.test","click")', '+44 7700 900123', '-2+3', '@SUM(A1:A2)', '\tcmd', '\rcmd'];
  const rows = attacks.map((a, i) => row(i, { incident: a, reportedBy: a }));
  const parsed: string[][] = parse(incidentLogCsv(rows), { bom: true });
  attacks.forEach((a, i) => {
    assert.equal(parsed[i + 1]?.[3], `'${a}`);
    assert.equal(parsed[i + 1]?.[6], `'${a}`);
  });
  for (const safe of ['a=b', 'Year 7 - group', "'already", '']) assert.equal(neutraliseCell(safe), safe);
  assert.equal(incidentLogCsv([]), '\uFEFFDate,Time,Reference,Incident,Action taken,Action by,Reported by\r\n');
});

test('the incident log PDF holds the school, period, header, every row and the confidential footer', async () => {
  const pdf = await incidentLogPdf([row(1), row(2, { incident: 'Cyberbullying — Zoë’s group chat', actionBy: 'Head teacher' })], {
    schoolName: 'Ashby Brook Primary',
    from: '2025-09-01',
    to: '2025-12-19',
  });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = pdfPages(pdf);
  assert.equal(pages.length, 1);
  const text = pages[0]!;
  for (const s of ['Incident log — Ashby Brook Primary', 'Period: 01/09/2025 to 19/12/2025', '2 entries', 'ABP-0001', 'ABP-0002', 'Head teacher', 'Zoë’s group chat', 'Confidential — safeguarding record', 'Page 1 of 1']) {
    assert.ok(text.includes(s), `missing ${s}`);
  }
  for (const h of ['Date', 'Time', 'Reference', 'Incident', 'Action taken', 'Action by', 'Reported by']) assert.match(text, new RegExp(`\\b${h}\\b`));
});

test('a 300-row log spans several pages, each with the header, footer and its page number, rows in order', async () => {
  const rows = Array.from({ length: 300 }, (_, i) => row(i + 1));
  const pages = pdfPages(await incidentLogPdf(rows, { schoolName: 'Ashby Brook Primary', from: null, to: null }));
  assert.ok(pages.length >= 5, `only ${pages.length} pages`);
  pages.forEach((p, i) => {
    assert.match(p, /Date\s+Time\s+Reference\s+Incident\s+Action taken\s+Action by\s+Reported by/, `header on page ${i + 1}`);
    assert.ok(p.includes('Confidential — safeguarding record'), `footer on page ${i + 1}`);
    assert.ok(p.includes(`Page ${i + 1} of ${pages.length}`), `number on page ${i + 1}`);
  });
  assert.ok(pages[0]!.includes('Period: all dates'));
  const refs = pages.join('\n').match(/ABP-\d{4}/g) ?? [];
  assert.deepEqual(refs, rows.map((r) => r.reference));
});

test('a row taller than a page continues on the next page without losing text', async () => {
  const words = Array.from({ length: 1500 }, (_, i) => `w${i}`);
  const pages = pdfPages(await incidentLogPdf([row(1, { incident: words.join(' ') }), row(2)], { schoolName: 'S', from: '2026-01-01', to: null }));
  assert.ok(pages.length >= 2);
  const all = pages.join('\n');
  for (const w of ['w0', 'w700', 'w1499']) assert.match(all, new RegExp(`\\b${w}\\b`));
  assert.ok(pages[0]!.includes('Period: from 01/01/2026'));
  assert.ok(pages.at(-1)!.includes('ABP-0002'));
});

test('an empty log says so; characters the built-in font lacks print as ? instead of failing', async () => {
  const empty = pdfPages(await incidentLogPdf([], { schoolName: 'S', from: null, to: '2026-03-31' }));
  assert.ok(empty[0]!.includes('No incidents were logged in this period.'));
  assert.ok(empty[0]!.includes('Period: up to 31/03/2026'));
  assert.equal(printable('ok 😀 Łódź — é\tx'), 'ok ? ?ód? — é    x');
  const pages = pdfPages(await incidentLogPdf([row(1, { incident: 'sent 😀 to Łukasz' })], { schoolName: 'S', from: null, to: null }));
  assert.ok(pages[0]!.includes('sent ? to ?ukasz'));
});

test('wrapping keeps every word and breaks words longer than a line', () => {
  const measure = (s: string) => s.length * 5;
  assert.deepEqual(wrap('aaa bbb ccc\ndd', 40, measure), ['aaa bbb', 'ccc', 'dd']);
  assert.deepEqual(wrap('https://example.test/abcdefghij', 50, measure), ['https://ex', 'ample.test', '/abcdefghi', 'j']);
});

test('the chronology PDF lists entries oldest first in UK time, with the pupil and school', async () => {
  const pdf = await chronologyPdf({ pupilName: 'Ava Patel', schoolName: 'Ashby Brook Primary' }, [
    { at: '2026-01-20T15:05:00Z', reference: 'ABP-0009', kind: 'action', text: 'Parents informed by phone' },
    { at: '2025-06-01T09:30:00Z', reference: 'ABP-0002', kind: 'follow_up', text: 'Reported unkind messages on a class chat' },
  ]);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = pdfPages(pdf).join('\n');
  for (const s of ['Chronology — Ava Patel', 'Ashby Brook Primary', '2 entries, oldest first', 'Parents informed by phone', 'Follow up', 'Confidential — safeguarding record']) {
    assert.ok(text.includes(s), `missing ${s}`);
  }
  // June is British Summer Time (UTC+1); January is GMT.
  assert.match(text, /01\/06\/2025\s+10:30\s+ABP-0002/);
  assert.match(text, /20\/01\/2026\s+15:05\s+ABP-0009/);
  assert.ok(text.indexOf('ABP-0002') < text.indexOf('ABP-0009'));
});
