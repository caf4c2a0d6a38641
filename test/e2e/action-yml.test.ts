/** action.yml is valid YAML that declares exactly the inputs the code reads and the outputs it sets (src/config/action.ts). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_INPUTS, ACTION_OUTPUTS, parseActionInputs } from '../../src/config/action.ts';

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

  it('declares exactly the inputs and outputs of the code (src/config/action.ts), with the same defaults', async () => {
    for (const path of ['action.yml', 'actions/validate/action.yml', 'actions/publish/action.yml']) {
      const a = await load(path);
      expect(Object.keys(a.inputs).sort(), path).toEqual(Object.keys(ACTION_INPUTS).sort());
      expect(Object.keys(a.outputs).sort(), path).toEqual([...ACTION_OUTPUTS].sort());
      for (const [name, input] of Object.entries(ACTION_INPUTS)) {
        if (path !== 'action.yml' && name === 'mode') continue; // the sub-actions fix it (below)
        expect(a.inputs[name]?.default, `${path}: default of input ${name}`).toBe(input.default);
      }
    }
  });

  it('the code reads every input it declares, and nothing else', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    expect(parseActionInputs(env).problems).toEqual([]);
    const expected = Object.keys(ACTION_INPUTS).map((name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`);
    expect([...read].filter((k) => k.startsWith('INPUT_')).sort()).toEqual(expected.sort());
  });

  it("the README's input table lists every input, and its outputs line every output", async () => {
    const readme = await readFile('README.md', 'utf8');
    const rows = readme.split('\n').filter((l) => /^\| `[a-z-]+`/.test(l));
    const listed = new Set(rows.flatMap((l) => [...l.split(' | ')[0]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1])));
    for (const name of Object.keys(ACTION_INPUTS)) expect(listed.has(name), `input ${name} in README`).toBe(true);
    const outputs = /Outputs: ([^.]*)\./.exec(readme.replace(/\n/g, ' '))?.[1] ?? '';
    for (const name of ACTION_OUTPUTS) expect(outputs, `output ${name} in README`).toContain(`\`${name}\``);
  });

  it('the code sets every output (runAction builds an ActionOutputs record)', async () => {
    const runSrc = await readFile('src/action/run.ts', 'utf8');
    expect(runSrc).toMatch(/const outputs: ActionOutputs = \{/);
    expect(runSrc).not.toMatch(/core\.setOutput\('/);
  });

  it('the sub-actions fix the mode', async () => {
    expect((await load('actions/validate/action.yml')).inputs.mode?.default).toBe('validate');
    expect((await load('actions/publish/action.yml')).inputs.mode?.default).toBe('publish');
    expect((await load('action.yml')).inputs.mode?.default).toBe('auto');
  });
});
