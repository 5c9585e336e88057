// Evidence rules: the size limit and which kinds of file are accepted. The kind is decided from the
// file's own bytes, never from the name or the browser's claimed type, so a renamed executable or an
// HTML page posing as a screenshot is refused.
import { AppError, badRequest } from '../errors.ts';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
export const MAX_EVIDENCE_LABEL = '20 MB';

export const EVIDENCE_MIME = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  text: 'text/plain',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type EvidenceMime = (typeof EVIDENCE_MIME)[keyof typeof EVIDENCE_MIME];

export const ALLOWED_KINDS_LABEL = 'PNG, JPEG, GIF, WebP or HEIC images, PDF, plain text, Word (.docx) or Excel (.xlsx)';

const startsWith = (b: Buffer, sig: readonly number[] | string, at = 0) => {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + bytes.length && b.subarray(at, at + bytes.length).equals(bytes);
};

// HEIF family brands (ISO/IEC 23008-12); AVIF is left out on purpose.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);

/** Names of the entries in a zip's central directory, or null when it is not a readable zip. */
export function zipEntryNames(b: Buffer): string[] | null {
  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  const floor = Math.max(0, b.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = b.length - 22; i >= floor; i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    if (p + 46 + nameLen > b.length) return null;
    names.push(b.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

function officeKind(b: Buffer): EvidenceMime | null {
  const names = zipEntryNames(b);
  if (!names || !names.includes('[Content_Types].xml')) return null;
  if (names.some((n) => n.startsWith('word/'))) return EVIDENCE_MIME.docx;
  if (names.some((n) => n.startsWith('xl/'))) return EVIDENCE_MIME.xlsx;
  return null;
}

/** UTF-8 (or ASCII) text without NULs or stray control characters: a log, a copied message, a URL list. */
function isPlainText(b: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  // Tab, LF, FF, CR are normal in text; other C0 controls and DEL mean a binary file.
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/** The file's real type from its first bytes, or null when it is not an accepted kind. */
export function sniffMime(b: Buffer): EvidenceMime | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return EVIDENCE_MIME.png;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return EVIDENCE_MIME.jpeg;
  if (startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a')) return EVIDENCE_MIME.gif;
  if (startsWith(b, 'RIFF') && startsWith(b, 'WEBP', 8)) return EVIDENCE_MIME.webp;
  if (startsWith(b, '%PDF-')) return EVIDENCE_MIME.pdf;
  if (startsWith(b, 'ftyp', 4) && b.length >= 12) {
    const brand = b.toString('latin1', 8, 12);
    if (HEIC_BRANDS.has(brand)) return EVIDENCE_MIME.heic;
    if (HEIF_BRANDS.has(brand)) return EVIDENCE_MIME.heif;
    return null;
  }
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return officeKind(b);
  if (isPlainText(b)) return EVIDENCE_MIME.text;
  return null;
}

const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** Checks size and kind; returns the sniffed type or throws 400 / 413 / 415 saying what is allowed. */
export function checkEvidence(bytes: Buffer): EvidenceMime {
  if (bytes.length === 0) throw badRequest('The file is empty. Choose the file again, or take a new screenshot.');
  if (bytes.length > MAX_EVIDENCE_BYTES) {
    throw new AppError(
      413,
      'File too large',
      `Evidence files can be at most ${MAX_EVIDENCE_LABEL}; this one is ${megabytes(bytes.length)}. Crop the screenshot, or split or compress the document.`,
    );
  }
  const mime = sniffMime(bytes);
  if (!mime) {
    throw new AppError(
      415,
      'File type not accepted',
      `Evidence can be ${ALLOWED_KINDS_LABEL}. This file's contents are none of these; save or export it as one of them.`,
    );
  }
  return mime;
}
