import { measureAll } from './harness.ts';
console.log(JSON.stringify(await measureAll([{ name: 'x', script: 'nope.ts', args: [] }, { name: 'b', script: 'child-baseline.ts', args: ['bench/.data/spending-r20000-s1-c500-v1/data/functions.csv'] }], { runs: 2, bytes: 1 }), null, 1).slice(0, 800));
