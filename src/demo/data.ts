// The demo trust's invented world: schools, classes and name lists. Pure data and a seeded random
// generator, so every demo install holds the same people and the README's logins always work.

export const DEMO_TRUST = 'Riverside Learning Trust';
export const DEMO_PASSPHRASE = 'river otter lantern meadow';
/** Shared by every demo account that must use two-factor; printed in README and at start-up. */
export const DEMO_TOTP_SECRET = 'DEMOHAVENDEMOHAVENDEMOHAVENDEMO2';
export const DEMO_DOMAIN = 'riverside.example';

export type DemoSchool = { key: string; name: string; urn: string; pupils: number };

// URNs from 990001 are outside the range the DfE has issued, so no real school is implied.
export const DEMO_SCHOOLS: DemoSchool[] = [
  { key: 'alderbrook', name: 'Alder Brook Primary', urn: '990001', pupils: 210 },
  { key: 'kestrelhill', name: 'Kestrel Hill Primary', urn: '990002', pupils: 196 },
  { key: 'stwilfrids', name: "St Wilfrid's CE Primary", urn: '990003', pupils: 189 },
];

/** Reception to Year 6, one class each, with the tree names small primaries like. */
export const CLASSES: { year: string; keyStage: string; name: string }[] = [
  { year: 'R', keyStage: 'EYFS', name: 'Acorns' },
  { year: '1', keyStage: 'KS1', name: 'Hazel' },
  { year: '2', keyStage: 'KS1', name: 'Rowan' },
  { year: '3', keyStage: 'KS2', name: 'Willow' },
  { year: '4', keyStage: 'KS2', name: 'Birch' },
  { year: '5', keyStage: 'KS2', name: 'Oak' },
  { year: '6', keyStage: 'KS2', name: 'Ash' },
];

export const GIVEN_NAMES = [
  'Amara', 'Alfie', 'Ava', 'Arlo', 'Bea', 'Caleb', 'Chloe', 'Dev', 'Edie', 'Ezra', 'Freya', 'Finn', 'Grace', 'Hugo',
  'Isla', 'Idris', 'Jade', 'Jonah', 'Kiara', 'Leo', 'Lily', 'Milo', 'Maya', 'Noah', 'Nia', 'Oscar', 'Orla', 'Priya',
  'Rafi', 'Rosa', 'Sami', 'Sofia', 'Theo', 'Tilly', 'Umar', 'Vera', 'Wren', 'Yusuf', 'Zara', 'Aisha', 'Ben', 'Cara',
  'Dylan', 'Elif', 'Felix', 'Georgia', 'Harvey', 'Ines', 'Jasper', 'Kai', 'Layla', 'Mason', 'Nora', 'Ollie', 'Poppy',
  'Reuben', 'Sienna', 'Toby', 'Maryam', 'Zain', 'Ada', 'Bobby', 'Cleo', 'Eli', 'Hana', 'Ivo', 'Luca', 'Mia', 'Ruby',
];
export const ADULT_NAMES = [
  'Andrea', 'Bernard', 'Carys', 'Daniel', 'Elaine', 'Farid', 'Gemma', 'Harriet', 'Imran', 'Joanne', 'Karl', 'Leanne',
  'Marcus', 'Nadia', 'Owen', 'Pauline', 'Qasim', 'Rachel', 'Stuart', 'Tamsin', 'Usha', 'Victor', 'Wendy', 'Yasmin',
  'Adele', 'Bryn', 'Colette', 'Duncan', 'Esther', 'Gareth', 'Helena', 'Ian', 'Kirsty', 'Lorna', 'Martin', 'Nicola',
];
export const FAMILY_NAMES = [
  'Ashworth', 'Begum', 'Calloway', 'Darby', 'Ellison', 'Fairbairn', 'Gallagher', 'Hussain', 'Iqbal', 'Jennings',
  'Kowalski', 'Lindqvist', 'Mensah', 'Nolan', 'Okafor', 'Pemberton', 'Quayle', 'Rahman', 'Sandhu', 'Thornbury',
  'Underwood', 'Varga', 'Whitlock', 'Yates', 'Adeyemi', 'Brannigan', 'Chowdhury', 'Delaney', 'Evans', 'Fenwick',
  'Greaves', 'Hollis', 'Ingram', 'Jovanovic', 'Kaur', 'Lomax', 'Marsden', 'Novak', 'Osei', 'Pritchard', 'Rowntree',
  'Shaw', 'Tennant', 'Usman', 'Vickers', 'Waddington', 'Abbott', 'Barnaby', 'Coulson', 'Dunmore', 'Elwood',
];

/** mulberry32: tiny, fast and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

/** A date of birth inside the academic year of a year group (born 1 Sep–31 Aug), for 2026/27. */
export function dateOfBirth(rand: () => number, year: string): string {
  const offset = year === 'R' ? 0 : Number(year);
  const start = Date.UTC(2021 - offset, 8, 1);
  const day = Math.floor(rand() * 365);
  return new Date(start + day * 86_400_000).toISOString().slice(0, 10);
}

/** A UPN shaped like the DfE's (letter, 11 digits, check character); the Z prefix marks them invented. */
export function demoUpn(schoolIndex: number, n: number): string {
  return `Z${String(99_000_000_000 + schoolIndex * 1_000_000 + n).padStart(11, '0')}${'ABCDEFGHJKLMNPQRTUVWXYZ'[n % 23]}`;
}
