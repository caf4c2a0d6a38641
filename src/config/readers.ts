/**
 * The readers every setting goes through (environment variables, Action inputs, explicit
 * overrides): one way to read a raw value (trimmed; empty counts as unset, as the Actions runner
 * passes an unset input as '') and one message style, `NAME must be WHAT like EXAMPLE (got "raw").`
 *
 * A reader never throws: it records a ConfigProblem and returns undefined, so a parse function
 * reports every bad setting at once (`{ config, problems }`) and the edge turns the problems into
 * one ConfigError (src/config/problems.ts). Readers return undefined for an unset setting too:
 * the caller supplies the default (each defined once, in the module of its settings).
 */

import { shorten } from '../escape.ts';
import type { ConfigProblem } from './problems.ts';

/** An environment (process.env, or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

/** One setting as read: how messages name it and its raw value (undefined: unset). */
export interface Setting {
  /** The name messages start with: `OS_STORAGE_REGION`, `input "mode"`, `The storage setting "region"`. */
  label: string;
  /** The setting's key in problems (the variable or input name). */
  name: string;
  raw: string | undefined;
}

/** How a source names its settings: the key in the environment and the label in messages. */
export interface Naming {
  key(name: string): string;
  label(name: string): string;
}

/** Environment variables: the key and the label are the variable's name. */
const ENV_NAMING: Naming = { key: (name) => name, label: (name) => name };

/** A raw value: trimmed, '' as unset. */
export function rawValue(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** The message for a value of the wrong form: `LABEL must be EXPECTED (got "raw").` */
export function mustBe(label: string, expected: string, raw: string): string {
  return `${label} must be ${expected} (got "${shorten(raw, 200, true)}").`;
}

export interface NumberRule {
  min: number;
  max: number;
  /** What is expected, for the message: `a port number 0-65535 like 3000`. */
  expected: string;
}

/** Strings accepted as booleans: exactly `true`/`false`, or also the YAML 1.2 core schema's `True`/`TRUE`/... (Action inputs, as @actions/core's getBooleanInput). */
export type BooleanForms = 'exact' | 'yaml';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** '67108864', '64MiB', '64 MB', '1GiB' → bytes; NaN when it is none of those. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
}

/**
 * Reads settings from one source and collects the problems. Every reader takes a setting (its
 * name in this source, of type N, or a Setting built with `given`) and returns the parsed value,
 * or undefined when the setting is unset or bad (a bad one adds a problem).
 */
export class SettingsReader<N extends string = string> {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly env: Env,
    private readonly naming: Naming = ENV_NAMING,
  ) {}

  /** The setting `name` of this source. */
  setting(name: N): Setting {
    return { name, label: this.naming.label(name), raw: rawValue(this.env[this.naming.key(name)]) };
  }

  /** The raw value of `name` (trimmed, '' as unset). */
  raw(name: N): string | undefined {
    return this.setting(name).raw;
  }

  /** Whether `name` has a value. */
  has(name: N): boolean {
    return this.raw(name) !== undefined;
  }

  /** Records a problem: `message` is a whole sentence naming the setting. */
  problem(name: string, message: string, hint?: string): undefined {
    this.problems.push({ setting: name, message, ...(hint !== undefined && { hint }) });
    return undefined;
  }

  /** Records `LABEL must be EXPECTED (got "raw").` */
  invalid(s: Setting, expected: string, hint?: string): undefined {
    return this.problem(s.name, mustBe(s.label, expected, s.raw ?? ''), hint);
  }

  /** Records `LABEL is not set: WHAT TO DO` for a required setting. */
  missing(s: Setting | N, whatToDo: string): undefined {
    const setting = this.of(s);
    return this.problem(setting.name, `${setting.label} is not set: ${whatToDo}`);
  }

  /** A string, checked against `pattern` when given. */
  string(s: Setting | N, rule?: { pattern: RegExp; expected: string }): string | undefined {
    const setting = this.of(s);
    if (setting.raw === undefined) return undefined;
    if (rule && !rule.pattern.test(setting.raw)) return this.invalid(setting, rule.expected);
    return setting.raw;
  }

  /** `true` or `false` (with `yaml`, also `True`, `TRUE`, `False`, `FALSE`). */
  boolean(s: Setting | N, forms: BooleanForms = 'exact'): boolean | undefined {
    const setting = this.of(s);
    const v = setting.raw;
    if (v === undefined) return undefined;
    const yes = forms === 'yaml' ? ['true', 'True', 'TRUE'] : ['true'];
    const no = forms === 'yaml' ? ['false', 'False', 'FALSE'] : ['false'];
    if (yes.includes(v)) return true;
    if (no.includes(v)) return false;
    return this.invalid(setting, 'true or false');
  }

  /** A whole number (digits only) from `min` to `max`. */
  integer(s: Setting | N, rule: NumberRule): number | undefined {
    const setting = this.of(s);
    if (setting.raw === undefined) return undefined;
    const n = /^\d{1,15}$/.test(setting.raw) ? Number(setting.raw) : Number.NaN;
    if (!(n >= rule.min && n <= rule.max)) return this.invalid(setting, rule.expected);
    return n;
  }

  /** A decimal number with at most `decimals` digits after the point, from `min` to `max` (e.g. seconds). */
  decimal(s: Setting | N, rule: NumberRule & { decimals: number }): number | undefined {
    const setting = this.of(s);
    if (setting.raw === undefined) return undefined;
    const form = new RegExp(`^\\d{1,15}(\\.\\d{1,${rule.decimals}})?$`);
    const n = form.test(setting.raw) ? Number(setting.raw) : Number.NaN;
    if (!(n >= rule.min && n <= rule.max)) return this.invalid(setting, rule.expected);
    return n;
  }

  /** A size in bytes: `67108864`, `64MiB`, `64 MB`, `1GiB`, from `min` to `max` bytes. */
  size(s: Setting | N, rule: NumberRule): number | undefined {
    const setting = this.of(s);
    if (setting.raw === undefined) return undefined;
    return this.bytes(setting, parseSize(setting.raw), rule);
  }

  /** A number of bytes already parsed (an override), checked as `size` checks it. */
  bytes(setting: Setting, bytes: number, rule: NumberRule): number | undefined {
    if (!Number.isSafeInteger(bytes) || bytes < rule.min || bytes > rule.max) return this.invalid(setting, rule.expected);
    return bytes;
  }

  /**
   * An http(s) URL, without trailing slashes. With `plain`, also without a query or a fragment
   * (a base that paths are appended to); `href`: the URL normalised by WHATWG URL rather than as written.
   */
  url(s: Setting | N, rule: { expected: string; plain?: boolean; href?: boolean }): string | undefined {
    const setting = this.of(s);
    if (setting.raw === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(setting.raw);
    } catch {
      return this.invalid(setting, rule.expected);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return this.invalid(setting, rule.expected);
    if (rule.plain && (url.search !== '' || url.hash !== '')) return this.invalid(setting, rule.expected);
    return (rule.href ? url.href : setting.raw).replace(/\/+$/, '');
  }

  /** One of `allowed` (with `ignoreCase`, in any case; the allowed spelling is returned). */
  choice<T extends string>(s: Setting | N, allowed: readonly T[], rule: { expected?: string; ignoreCase?: boolean } = {}): T | undefined {
    const setting = this.of(s);
    const v = setting.raw;
    if (v === undefined) return undefined;
    const found = allowed.find((a) => (rule.ignoreCase ? a.toLowerCase() === v.toLowerCase() : a === v));
    if (found !== undefined) return found;
    return this.invalid(setting, rule.expected ?? `one of ${allowed.join(', ')}`);
  }

  /** A list separated by commas and/or white space; [] when unset. */
  list(s: Setting | N): string[] {
    return (this.of(s).raw ?? '').split(/[\s,]+/).filter(Boolean);
  }

  /** A setting given explicitly (a flag, an input), named `label` in messages. */
  given(name: string, label: string, value: string | undefined): Setting {
    return { name, label, raw: rawValue(value) };
  }

  private of(s: Setting | N): Setting {
    return typeof s === 'string' ? this.setting(s) : s;
  }
}
