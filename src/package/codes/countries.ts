/**
 * ISO 3166-1 country codes: every officially assigned alpha-2 code with its alpha-3 code
 * (249 countries and territories).
 *
 * Also accepted (`EXTRA_COUNTRY_CODES`), because fiscal data uses them and they are
 * reserved in or alongside ISO 3166-1: `EU`/`EUE` (exceptionally reserved for the European
 * Union, whose budget is spending data too) and `XK`/`XKX` (Kosovo: user-assigned, used by the
 * EU, the World Bank and the IMF). `UK` and `EL` are exceptionally reserved codes used instead of
 * `GB` and `GR` in EU material; they are not accepted but `COUNTRY_SUGGESTIONS` names the
 * official code.
 */

const PAIRS = `
AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA AZ AZE
BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES BR BRA BS BHS
BT BTN BV BVT BW BWA BY BLR BZ BLZ
CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV CW CUW
CX CXR CY CYP CZ CZE
DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA
EC ECU EE EST EG EGY EH ESH ER ERI ES ESP ET ETH
FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA
GA GAB GB GBR GD GRD GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM
GU GUM GW GNB GY GUY
HK HKG HM HMD HN HND HR HRV HT HTI HU HUN
ID IDN IE IRL IL ISR IM IMN IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA
JE JEY JM JAM JO JOR JP JPN
KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ
LA LAO LB LBN LC LCA LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY
MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR
MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ
NA NAM NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL
OM OMN
PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY
QA QAT
RE REU RO ROU RS SRB RU RUS RW RWA
SA SAU SB SLB SC SYC SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD
ST STP SV SLV SX SXM SY SYR SZ SWZ
TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON TR TUR TT TTO TV TUV TW TWN TZ TZA
UA UKR UG UGA UM UMI US USA UY URY UZ UZB
VA VAT VC VCT VE VEN VG VGB VI VIR VN VNM VU VUT
WF WLF WS WSM
YE YEM YT MYT
ZA ZAF ZM ZMB ZW ZWE
`
  .trim()
  .split(/\s+/);

/** alpha-2 → alpha-3, for every officially assigned ISO 3166-1 code. */
const ALPHA2_TO_ALPHA3: ReadonlyMap<string, string> = new Map(
  Array.from({ length: PAIRS.length / 2 }, (_, i) => [PAIRS[2 * i] as string, PAIRS[2 * i + 1] as string]),
);

/** Officially assigned ISO 3166-1 alpha-2 codes. */
export const COUNTRY_ALPHA2: ReadonlySet<string> = new Set(ALPHA2_TO_ALPHA3.keys());

/** Officially assigned ISO 3166-1 alpha-3 codes. */
export const COUNTRY_ALPHA3: ReadonlySet<string> = new Set(ALPHA2_TO_ALPHA3.values());

/** Codes accepted besides the official ones (see the module comment). */
const EXTRA_COUNTRY_CODES: ReadonlySet<string> = new Set(['EU', 'EUE', 'XK', 'XKX']);

/** Common non-ISO codes and the official code to use instead. */
export const COUNTRY_SUGGESTIONS: ReadonlyMap<string, string> = new Map([
  ['UK', 'GB'],
  ['EL', 'GR'],
]);

/** True for an ISO 3166-1 alpha-2 or alpha-3 code (or an accepted extra), exactly as written (uppercase). */
export function isCountryCode(code: string): boolean {
  return COUNTRY_ALPHA2.has(code) || COUNTRY_ALPHA3.has(code) || EXTRA_COUNTRY_CODES.has(code);
}
