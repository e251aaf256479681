import * as fs from 'fs';
import { areaOf, CODE_PATTERN, collectSites, DOC, foreignSyntax, renderDoc } from '../../scripts/error-codes';

const sites = collectSites();

describe('error codes', () => {
  test('every validationError call in src/ has a literal code of its area', () => {
    expect(sites.length).toBeGreaterThan(250);
    const bad = sites.filter(s => !s.code || CODE_PATTERN.exec(s.code)?.[1] !== s.area).map(s => `${s.file}:${s.line} ${s.code ?? '(none)'}`);
    expect(bad).toEqual([]);
  });

  test('no two calls share a code', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const s of sites) {
      const at = `${s.file}:${s.line}`;
      if (seen.has(s.code!)) dupes.push(`${s.code}: ${seen.get(s.code!)} and ${at}`);
      seen.set(s.code!, at);
    }
    expect(dupes).toEqual([]);
  });

  test('each source folder has its own area', () => {
    const folders = [...new Set(sites.map(s => s.file.split('/')[1]))];
    expect(new Set(folders.map(areaOf)).size).toBe(folders.length);
    expect(areaOf('encryption')).toBe('ENC');
    expect(areaOf('blue-prints')).toBe('BLUEPRINTS');
  });

  test('docs/errors.md is the table the source yields (regenerate: ts-node --project test/tsconfig.json scripts/error-codes.ts)', () => {
    expect(fs.readFileSync(DOC, 'utf8')).toBe(renderDoc(sites));
  });

  test('the table has a row per code, with its prop, problem and fix', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const core = sites.find(s => s.file === 'src/core/duration.ts' && s.problem === 'must be longer than zero')!;
    expect(doc).toContain(`| ${core.code} | \`durationProp()\` (src/core/duration.ts) | \`<prop>\` | must be longer than zero |`);
    expect(doc.split('\n').filter(l => /^\| CS-[A-Z]+-\d{3} \|/.test(l))).toHaveLength(sites.length);
  });

  test('problems and fixes read right in every jsii language: no TypeScript syntax', () => {
    const bad = sites.flatMap(s => [s.problem, s.fix].filter(t => foreignSyntax(t).length > 0).map(t => `${s.code}: ${t} (${foreignSyntax(t)})`));
    expect(bad).toEqual([]);
  });

  test('the syntax scan finds each TypeScript form, and accepts names in backticks', () => {
    expect(foreignSyntax('pass env: { account: "1", region: "eu-west-1" }')).toEqual(['object literal']);
    expect(foreignSyntax('list at least one { key, objectName }')).toEqual(['object literal']);
    expect(foreignSyntax('create it with new Chart(app, "id")')).toEqual(['new', 'call outside backticks']);
    expect(foreignSyntax('pass configure: (p) => p')).toEqual(['arrow function']);
    expect(foreignSyntax('use Duration.minutes(5)')).toEqual(['call outside backticks']);
    expect(foreignSyntax('call addValue() first')).toEqual(['call outside backticks']);
    expect(foreignSyntax('write {{username}}:{{password}} in the URL')).toEqual([]);
    expect(foreignSyntax('use `Duration.minutes(5)`, the `addValue` method, or run `head -c 32 /dev/urandom | base64` (outside the repository)')).toEqual([]);
  });
});
