/** action.yml is valid YAML that declares exactly the inputs the code reads and the outputs it sets. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ActionYml {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const load = async (path: string): Promise<ActionYml> => parse(await readFile(path, 'utf8'), { strict: true }) as ActionYml;

describe('action.yml', () => {
  it.each(['action.yml', 'actions/validate/action.yml', 'actions/publish/action.yml'])(
    '%s parses, runs node24 on the bundle, documents everything',
    async (path) => {
      const a = await load(path);
      expect(a.runs.using).toBe('node24');
      expect(a.runs.main).toMatch(/(^|\/)dist\/index\.js$/);
      for (const [name, input] of Object.entries(a.inputs)) expect(input.description, `input ${name}`).toMatch(/\w/);
      for (const [name, output] of Object.entries(a.outputs)) expect(output.description, `output ${name}`).toMatch(/\w/);
    },
  );

  it('declares every input the code reads and every output it sets', async () => {
    const a = await load('action.yml');
    const inputsSrc = await readFile('src/action/inputs.ts', 'utf8');
    const read = new Set([...inputsSrc.matchAll(/(?:inputOf|booleanInput|choiceInput|countInput)\(env, '([a-z-]+)'/g)].map((m) => m[1]));
    expect([...read].sort()).toEqual(Object.keys(a.inputs).sort());
    const runSrc = await readFile('src/action/run.ts', 'utf8');
    const set = new Set([...runSrc.matchAll(/core\.setOutput\('([a-z-]+)'/g)].map((m) => m[1]));
    expect([...set].sort()).toEqual(Object.keys(a.outputs).sort());
  });

  it('the sub-actions fix the mode', async () => {
    expect((await load('actions/validate/action.yml')).inputs.mode?.default).toBe('validate');
    expect((await load('actions/publish/action.yml')).inputs.mode?.default).toBe('publish');
    expect((await load('action.yml')).inputs.mode?.default).toBe('auto');
  });
});
