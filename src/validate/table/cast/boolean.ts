/** Type boolean (frictionless `fields/boolean.py`): trueValues and falseValues, compared exactly. */

import { quotedList } from '../../../package/problem.ts';
import { ENUM_ONLY, INVALID, onlyDefault, stringArray, type TypeImpl } from './field-type.ts';
import type { FieldDescriptor } from '../../../package/descriptor.ts';

const DEFAULT_TRUE_VALUES: readonly string[] = ['true', 'True', 'TRUE', '1'];
const DEFAULT_FALSE_VALUES: readonly string[] = ['false', 'False', 'FALSE', '0'];

export function booleanType(format: string, field: FieldDescriptor): TypeImpl {
  onlyDefault('boolean', format);
  const trueValues = stringArray(field.trueValues, 'trueValues') ?? DEFAULT_TRUE_VALUES;
  const falseValues = stringArray(field.falseValues, 'falseValues') ?? DEFAULT_FALSE_VALUES;
  const trues = new Set(trueValues);
  const falses = new Set(falseValues);
  const read = (cell: string): unknown => (trues.has(cell) ? true : falses.has(cell) ? false : INVALID);
  return {
    read,
    expected: `a boolean (${quotedList(trueValues)} or ${quotedList(falseValues)})`,
    // Python: True == 1 and False == 0
    key: (v) => (v ? 'n:1' : 'n:0'),
    iso: read,
    fromJson: (v) => (typeof v === 'boolean' ? v : INVALID),
    decimal: null,
    constraints: ENUM_ONLY,
    enumByKey: false,
  };
}
