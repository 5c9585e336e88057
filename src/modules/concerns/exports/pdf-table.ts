// A small table printer on pdfkit's built-in Helvetica: wrapped cells, the header row repeated on
// every page, rows too tall for one page continued on the next, and a footer with page numbers.
// Text is laid out line by line by us (not by pdfkit's wrapper) so nothing is ever cut off.
import type PDFKit from 'pdfkit';

export type TableColumn = { header: string; weight: number };
export type TablePdf = {
  title: string;
  subtitle: string[];
  layout: 'portrait' | 'landscape';
  columns: TableColumn[];
  rows: string[][];
  emptyMessage: string;
  footer: string;
};

const MARGIN = 36;
const FOOTER_SPACE = 22;
const PAD = 4;
const FONT_SIZE = 8.5;
const LINE = 11;

// The standard fonts speak WinAnsi: Latin-1 plus these. Anything else would print as a wrong glyph.
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can print: tabs become spaces, unprintable characters become '?'. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ')) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRAS.has(ch)) out += ch;
    else out += '?';
  }
  return out;
}

/** Greedy word wrap to `width`; words longer than a line are broken by character. */
export function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (measure(rest) > width) {
        let n = 1;
        while (n < rest.length && measure(rest.slice(0, n + 1)) <= width) n++;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

// pdfkit costs about 30 MB once loaded, so it loads with the first PDF, not when Haven starts.
let pdfkit: Promise<typeof PDFKit> | null = null;

export async function renderTablePdf(t: TablePdf): Promise<Buffer> {
  pdfkit ??= import('pdfkit').then((m) => m.default);
  const PDFDocument = await pdfkit;
  const doc = new PDFDocument({
    size: 'A4',
    layout: t.layout,
    margin: MARGIN,
    bufferPages: true,
    info: { Title: printable(t.title), Subject: 'Confidential safeguarding record' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = MARGIN;
  const tableWidth = doc.page.width - 2 * MARGIN;
  const totalWeight = t.columns.reduce((s, c) => s + c.weight, 0);
  const widths = t.columns.map((c) => (c.weight / totalWeight) * tableWidth);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const bottom = () => doc.page.height - MARGIN - FOOTER_SPACE;

  const measureWith = (font: string) => (s: string) => doc.font(font).fontSize(FONT_SIZE).widthOfString(s);
  const bodyMeasure = measureWith('Helvetica');
  const headerLines = t.columns.map((c, i) => wrap(c.header, widths[i]! - 2 * PAD, measureWith('Helvetica-Bold')));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * LINE + 2 * PAD;

  let y = MARGIN;

  const drawCells = (lines: string[][], height: number, font: string, fill: string | null) => {
    if (fill) doc.rect(left, y, tableWidth, height).fill(fill);
    doc.lineWidth(0.5).strokeColor('#9a9a9a');
    doc.rect(left, y, tableWidth, height).stroke();
    for (let i = 1; i < xs.length; i++) doc.moveTo(xs[i]!, y).lineTo(xs[i]!, y + height).stroke();
    doc.font(font).fontSize(FONT_SIZE).fillColor('#000000');
    lines.forEach((cell, i) => {
      cell.forEach((text, n) => doc.text(text, xs[i]! + PAD, y + PAD + n * LINE + 1, { lineBreak: false }));
    });
    y += height;
  };
  const drawHeader = () => drawCells(headerLines, headerHeight, 'Helvetica-Bold', '#e6e6e6');
  const newPage = () => {
    doc.addPage();
    y = MARGIN;
    drawHeader();
  };

  const heading = (text: string, font: string, size: number, gap: number) => {
    doc.font(font).fontSize(size).fillColor('#000000');
    doc.text(printable(text), left, y, { width: tableWidth });
    y += doc.heightOfString(printable(text), { width: tableWidth }) + gap;
  };
  heading(t.title, 'Helvetica-Bold', 14, 4);
  for (const line of t.subtitle) heading(line, 'Helvetica', 10, 2);
  y += 6;
  drawHeader();

  if (t.rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(10).text(printable(t.emptyMessage), left + PAD, y + 8, { lineBreak: false });
  }
  const freshPageLines = Math.floor((bottom() - MARGIN - headerHeight - 2 * PAD) / LINE);
  for (const row of t.rows) {
    const cells = t.columns.map((_, i) => wrap(row[i] ?? '', widths[i]! - 2 * PAD, bodyMeasure));
    const total = Math.max(...cells.map((c) => c.length));
    let from = 0;
    while (from < total) {
      const room = Math.floor((bottom() - y - 2 * PAD) / LINE);
      const remaining = total - from;
      // Keep a row whole when a fresh page would hold it; split only rows taller than a page.
      if (remaining > room && (room < 2 || (from === 0 && remaining <= freshPageLines))) {
        newPage();
        continue;
      }
      const take = Math.min(remaining, room);
      drawCells(
        cells.map((c) => c.slice(from, from + take)),
        take * LINE + 2 * PAD,
        'Helvetica',
        null,
      );
      from += take;
      if (from < total) newPage();
    }
  }

  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // writing below the bottom margin must not add a page
    const footerY = doc.page.height - MARGIN - 8;
    doc.font('Helvetica').fontSize(8).fillColor('#333333');
    doc.text(printable(t.footer), left, footerY, { lineBreak: false });
    const pageLabel = `Page ${i - start + 1} of ${count}`;
    doc.text(pageLabel, left + tableWidth - doc.widthOfString(pageLabel), footerY, { lineBreak: false });
  }
  doc.end();
  return done;
}
