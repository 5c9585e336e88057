// Dates and words as people in UK schools write them.
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTime.format(d);
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateOnly.format(d);
}

export const KIND_LABELS: Record<string, string> = {
  staff: 'Staff',
  pupil: 'Pupil',
  parent: 'Parent or carer',
  governor: 'Governor',
  volunteer: 'Volunteer',
  community: 'Community',
  it_provider: 'IT provider',
};

export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

export function yearLabel(year: string | null | undefined): string {
  if (!year) return '—';
  if (year === 'N' || year === 'N1' || year === 'N2') return 'Nursery';
  if (year === 'R') return 'Reception';
  return /^\d+$/.test(year) ? `Year ${year}` : year;
}
