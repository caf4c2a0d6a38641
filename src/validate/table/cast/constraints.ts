/**
 * Field constraints besides required/unique (frictionless `schema/field.py`): minLength,
 * maxLength, pattern, minimum, maximum, enum, each only where the type supports it. The values
 * in the descriptor are read as the field reads cells; a constraint that cannot be read is a
 * schema error.
 */

import type { JsonValue } from '../../../package/descriptor.ts';
import { compilePattern, PatternError, type Pattern } from '../../pattern.ts';
import { quoted, quotedList, shown } from '../../../package/problem.ts';
import { fail, INVALID, type TypeImpl } from './field-type.ts';

/** Read a descriptor value (enum item, minimum, maximum) as the field reads cells. */
function descriptorValue(impl: TypeImpl, v: JsonValue): unknown {
  if (typeof v === 'string') {
    const r = impl.read(v);
    return r === INVALID ? impl.iso(v) : r;
  }
  return impl.fromJson(v);
}

/** A `pattern` constraint, matched in linear time (see ../../pattern.ts); SchemaCompileError when it cannot be. */
function patternConstraint(pattern: string): Pattern {
  try {
    return compilePattern(pattern);
  } catch (e) {
    if (e instanceof PatternError) fail('constraints/pattern', e.message);
    throw e;
  }
}

/** The check of a field without value constraints. */
export const NO_PROBLEM = (): undefined => undefined;

function lengthConstraint(c: Record<string, unknown>, name: 'minLength' | 'maxLength'): number {
  const v = c[name];
  if (v === undefined) return name === 'minLength' ? 0 : Infinity;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    fail(`constraints/${name}`, `constraint ${quoted(name)} must be a non-negative integer`);
  return v;
}

/** The check of a field's value constraints `c`; NO_PROBLEM when it has none. */
export function buildCheck(type: string, impl: TypeImpl, c: Record<string, unknown>): (value: unknown, cell: string) => string | undefined {
  for (const name of Object.keys(c)) {
    if (name === 'required' || name === 'unique') continue;
    if (!impl.constraints.includes(name))
      fail(`constraints/${name}`, `constraint ${quoted(name)} is not supported by type ${quoted(type)}`);
  }
  const hasLength = c.minLength !== undefined || c.maxLength !== undefined;
  const minLength = lengthConstraint(c, 'minLength');
  const maxLength = lengthConstraint(c, 'maxLength');
  const size = impl.size;

  let re: Pattern | null = null;
  if (c.pattern !== undefined) {
    if (typeof c.pattern !== 'string') fail('constraints/pattern', 'constraint "pattern" must be a string');
    re = patternConstraint(c.pattern);
  }

  const bound = (name: 'minimum' | 'maximum'): unknown => {
    const raw = c[name];
    if (raw === undefined) return undefined;
    const v = descriptorValue(impl, raw as JsonValue);
    if (v === INVALID) fail(`constraints/${name}`, `constraint ${quoted(name)} ${quoted(raw)} is not ${impl.expected}`);
    return v;
  };
  const min = bound('minimum');
  const max = bound('maximum');

  let enumSet: Set<unknown> | null = null;
  if (c.enum !== undefined) {
    const values = c.enum;
    if (!Array.isArray(values)) fail('constraints/enum', 'constraint "enum" must be an array');
    enumSet = new Set();
    for (const raw of values as JsonValue[]) {
      const v = descriptorValue(impl, raw);
      if (v === INVALID) fail('constraints/enum', `constraint "enum" value ${quoted(raw)} is not ${impl.expected}`);
      enumSet.add(impl.enumByKey ? impl.key(v) : v);
    }
  }

  if (!hasLength && re === null && min === undefined && max === undefined && enumSet === null) return NO_PROBLEM;

  const msgMinLength = `is shorter than the minimum length ${minLength}`;
  const msgMaxLength = `is longer than the maximum length ${maxLength}`;
  const msgPattern = `does not match pattern ${shown(String(c.pattern))}`;
  const msgMin = `is below the minimum ${shown(String(c.minimum))}`;
  const msgMax = `is above the maximum ${shown(String(c.maximum))}`;
  const msgEnum = `is not one of ${quotedList((c.enum ?? []) as JsonValue[])}`;
  const hasMin = min !== undefined;
  const hasMax = max !== undefined;
  const byKey = impl.enumByKey;
  const key = impl.key;
  const lo = min as number;
  const hi = max as number;

  return (value, cell) => {
    if (hasLength && size !== undefined) {
      const n = size(value);
      if (n < minLength) return msgMinLength;
      if (n > maxLength) return msgMaxLength;
    }
    if (re !== null && !re.test(cell)) return msgPattern;
    // written as !(v >= lo) so that NaN breaks both bounds, as in frictionless
    if (hasMin && !((value as number) >= lo)) return msgMin;
    if (hasMax && !((value as number) <= hi)) return msgMax;
    if (enumSet !== null && !enumSet.has(byKey ? key(value) : value)) return msgEnum;
    return undefined;
  };
}
