/**
 * Aggregates of OpenSpending Data Packages (DESIGN.md, "Aggregates"): totals of amount × factor
 * and row counts, overall, by year and month, and by each mapped taxonomy, entity and project id,
 * computed in the validation pass and written as a small Tabular Data Package.
 *
 *   const plan = planAggregates(descriptor);          // null: no transaction mapping
 *   const agg = createAggregator(plan);
 *   await validatePackage(source, { observers: agg.observers });
 *   const files = aggregateFiles(agg.result());      // aggregates/… path, content, contentType
 *
 * or, reading the descriptor once and on any table runner: `checkPackage(source, options)` (src/pipeline/check.ts).
 */

export { createAggregator, periodOf, type AggregateResult, type Aggregator, type DimensionResult, type Total } from './aggregator.ts';
export { DecimalSum, parseAmount, type Amount } from './decimal.ts';
export { aggregateFiles, csvCell, type AggregateFile } from './files.ts';
export {
  DIMENSIONS,
  planAggregates,
  type AggregatePlan,
  type DimensionName,
  type DimensionSource,
  type TitleLookup,
  type TitleSource,
  type TransactionSource,
} from './plan.ts';
