/**
 * COFOG: the UN Classification of the Functions of Government (1999), complete to the
 * class level: 10 divisions, 69 groups, 109 classes.
 *
 * Canonical form: zero-padded division, then dots — '05' (division), '05.1' (group),
 * '05.1.0' (class). Groups without subdivision have a single class ending in '.0'
 * ('05.1' → '05.1.0').
 *
 * Decision on other forms: `COFOG_CODES` / `isCofogCode` hold and accept the canonical form
 * only. `cofogCanonical` also accepts a division written without its leading zero ('5.1',
 * which is what a spreadsheet makes of '05.1'), surrounding blanks, and a trailing dot, and
 * returns the canonical code (or undefined when it is no COFOG code). Callers that read data
 * should accept `cofogCanonical(v) !== undefined` and warn when `v` differs from it, naming the
 * canonical form.
 */

/** Divisions and groups with their titles. */
const COFOG_TITLES: ReadonlyMap<string, string> = new Map([
  ['01', 'General public services'],
  ['01.1', 'Executive and legislative organs, financial and fiscal affairs, external affairs'],
  ['01.2', 'Foreign economic aid'],
  ['01.3', 'General services'],
  ['01.4', 'Basic research'],
  ['01.5', 'R&D General public services'],
  ['01.6', 'General public services n.e.c.'],
  ['01.7', 'Public debt transactions'],
  ['01.8', 'Transfers of a general character between different levels of government'],
  ['02', 'Defence'],
  ['02.1', 'Military defence'],
  ['02.2', 'Civil defence'],
  ['02.3', 'Foreign military aid'],
  ['02.4', 'R&D Defence'],
  ['02.5', 'Defence n.e.c.'],
  ['03', 'Public order and safety'],
  ['03.1', 'Police services'],
  ['03.2', 'Fire-protection services'],
  ['03.3', 'Law courts'],
  ['03.4', 'Prisons'],
  ['03.5', 'R&D Public order and safety'],
  ['03.6', 'Public order and safety n.e.c.'],
  ['04', 'Economic affairs'],
  ['04.1', 'General economic, commercial and labour affairs'],
  ['04.2', 'Agriculture, forestry, fishing and hunting'],
  ['04.3', 'Fuel and energy'],
  ['04.4', 'Mining, manufacturing and construction'],
  ['04.5', 'Transport'],
  ['04.6', 'Communication'],
  ['04.7', 'Other industries'],
  ['04.8', 'R&D Economic affairs'],
  ['04.9', 'Economic affairs n.e.c.'],
  ['05', 'Environmental protection'],
  ['05.1', 'Waste management'],
  ['05.2', 'Waste water management'],
  ['05.3', 'Pollution abatement'],
  ['05.4', 'Protection of biodiversity and landscape'],
  ['05.5', 'R&D Environmental protection'],
  ['05.6', 'Environmental protection n.e.c.'],
  ['06', 'Housing and community amenities'],
  ['06.1', 'Housing development'],
  ['06.2', 'Community development'],
  ['06.3', 'Water supply'],
  ['06.4', 'Street lighting'],
  ['06.5', 'R&D Housing and community amenities'],
  ['06.6', 'Housing and community amenities n.e.c.'],
  ['07', 'Health'],
  ['07.1', 'Medical products, appliances and equipment'],
  ['07.2', 'Outpatient services'],
  ['07.3', 'Hospital services'],
  ['07.4', 'Public health services'],
  ['07.5', 'R&D Health'],
  ['07.6', 'Health n.e.c.'],
  ['08', 'Recreation, culture and religion'],
  ['08.1', 'Recreational and sporting services'],
  ['08.2', 'Cultural services'],
  ['08.3', 'Broadcasting and publishing services'],
  ['08.4', 'Religious and other community services'],
  ['08.5', 'R&D Recreation, culture and religion'],
  ['08.6', 'Recreation, culture and religion n.e.c.'],
  ['09', 'Education'],
  ['09.1', 'Pre-primary and primary education'],
  ['09.2', 'Secondary education'],
  ['09.3', 'Post-secondary non-tertiary education'],
  ['09.4', 'Tertiary education'],
  ['09.5', 'Education not definable by level'],
  ['09.6', 'Subsidiary services to education'],
  ['09.7', 'R&D Education'],
  ['09.8', 'Education n.e.c.'],
  ['10', 'Social protection'],
  ['10.1', 'Sickness and disability'],
  ['10.2', 'Old age'],
  ['10.3', 'Survivors'],
  ['10.4', 'Family and children'],
  ['10.5', 'Unemployment'],
  ['10.6', 'Housing'],
  ['10.7', 'Social exclusion n.e.c.'],
  ['10.8', 'R&D Social protection'],
  ['10.9', 'Social protection n.e.c.'],
]);

/** Groups subdivided into classes, with their number of classes; every other group has one class '.0'. */
const SUBDIVIDED: Record<string, number> = {
  '01.1': 3, // executive and legislative organs; financial and fiscal affairs; external affairs
  '01.2': 2, // economic aid to developing countries ...; economic aid routed through international organizations
  '01.3': 3, // general personnel services; overall planning and statistical services; other general services
  '04.1': 2, // general economic and commercial affairs; general labour affairs
  '04.2': 3, // agriculture; forestry; fishing and hunting
  '04.3': 6, // coal ...; petroleum and natural gas; nuclear fuel; other fuels; electricity; non-electric energy
  '04.4': 3, // mining of mineral resources other than fuels; manufacturing; construction
  '04.5': 5, // road; water; railway; air; pipeline and other transport
  '04.7': 4, // distributive trades, storage and warehousing; hotels and restaurants; tourism; multi-purpose projects
  '04.8': 7, // R&D for each of 04.1 ... 04.7
  '07.1': 3, // pharmaceutical products; other medical products; therapeutic appliances and equipment
  '07.2': 4, // general medical; specialized medical; dental; paramedical services
  '07.3': 4, // general hospital; specialized hospital; medical and maternity centre; nursing and convalescent home
  '09.1': 2, // pre-primary; primary
  '09.2': 2, // lower-secondary; upper-secondary
  '09.4': 2, // first stage of tertiary; second stage of tertiary
  '10.1': 2, // sickness; disability
};

function classesOf(group: string): string[] {
  const n = SUBDIVIDED[group];
  if (n === undefined) return [`${group}.0`];
  return Array.from({ length: n }, (_, i) => `${group}.${i + 1}`);
}

/** Every COFOG code in canonical form: divisions, groups and classes. */
export const COFOG_CODES: ReadonlySet<string> = new Set(
  [...COFOG_TITLES.keys()].flatMap((code) => (code.includes('.') ? [code, ...classesOf(code)] : [code])),
);

/** True for a COFOG code in canonical form ('05', '05.1', '05.1.0'). */
export function isCofogCode(code: string): boolean {
  return COFOG_CODES.has(code);
}

/**
 * The canonical form of a COFOG code written loosely ('5.1', ' 05.1 ', '05.1.'), or undefined
 * when the value is no COFOG code.
 */
export function cofogCanonical(value: string): string | undefined {
  const m = /^\s*(\d{1,2})((?:\.\d)*)\.?\s*$/.exec(value);
  if (!m) return undefined;
  const code = `${(m[1] as string).padStart(2, '0')}${m[2] ?? ''}`;
  return COFOG_CODES.has(code) ? code : undefined;
}
