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

export { createAggregator, periodOf, type AggregateResult } from './aggregator.ts';
export { DecimalSum, parseAmount } from './decimal.ts';
export { aggregateFiles, csvCell, type AggregateFile } from './files.ts';
export { planAggregates, type AggregatePlan } from './plan.ts';
