/**
 * ISO 4217 alphabetic currency codes.
 *
 * `CURRENCIES` is ISO 4217 "list one" (current currencies and funds, including the X-codes for
 * precious metals, SDR, testing and "no currency"). Where a code was withdrawn recently and data
 * still commonly carries it (ANG, SLL, CUC) it stays in the current list: being told an honest
 * code is wrong is worse than accepting a code during its phase-out.
 *
 * `HISTORIC_CURRENCIES` holds withdrawn codes (ISO 4217 "list three") that old budget data uses:
 * a package may describe, say, Estonian spending in 2009 (EEK). They are valid codes, just not
 * current ones; callers warn rather than fail.
 */

export const CURRENCIES: ReadonlySet<string> = new Set([
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN',
  'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD',
  'CAD', 'CDF', 'CHE', 'CHF', 'CHW', 'CLF', 'CLP', 'CNY', 'COP', 'COU', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK',
  'DJF', 'DKK', 'DOP', 'DZD',
  'EGP', 'ERN', 'ETB', 'EUR',
  'FJD', 'FKP',
  'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD',
  'HKD', 'HNL', 'HTG', 'HUF',
  'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK',
  'JMD', 'JOD', 'JPY',
  'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT',
  'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD',
  'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR', 'MZN',
  'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD',
  'OMR',
  'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG',
  'QAR',
  'RON', 'RSD', 'RUB', 'RWF',
  'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL',
  'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS',
  'UAH', 'UGX', 'USD', 'USN', 'UYI', 'UYU', 'UYW', 'UZS',
  'VED', 'VES', 'VND', 'VUV',
  'WST',
  'XAF', 'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XCD', 'XCG', 'XDR', 'XOF', 'XPD', 'XPF', 'XPT', 'XSU', 'XTS',
  'XUA', 'XXX',
  'YER',
  'ZAR', 'ZMW', 'ZWG',
]);

/** Withdrawn ISO 4217 codes that old spending data still carries (ISO 4217 list three, a selection). */
export const HISTORIC_CURRENCIES: ReadonlySet<string> = new Set([
  'ADP', 'AFA', 'AON', 'AOR', 'ARA', 'ATS', 'AZM', 'BEF', 'BGL', 'BYB', 'BYR', 'CSD', 'CSK', 'CYP', 'DEM', 'ECS',
  'EEK', 'ESP', 'FIM', 'FRF', 'GHC', 'GRD', 'GWP', 'HRK', 'IEP', 'ITL', 'LTL', 'LUF', 'LVL', 'MGF', 'MRO', 'MTL',
  'MXP', 'MZM', 'NLG', 'PTE', 'ROL', 'RUR', 'SDD', 'SIT', 'SKK', 'SRG', 'STD', 'TMM', 'TPE', 'TRL', 'VEB', 'VEF',
  'XEU', 'YUM', 'ZMK', 'ZRN', 'ZWD', 'ZWL', 'ZWN', 'ZWR',
]);

/** True for a current ISO 4217 code, exactly as written (uppercase). */
export function isCurrencyCode(code: string): boolean {
  return CURRENCIES.has(code);
}
