import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Artifacts, FileArtifact } from '../../src';

const isExecutable = (f: string): boolean => {
  try {
    fs.accessSync(f, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'artifacts-'));

describe('FileArtifact', () => {
  test('GIVEN artifacts in a tree WHEN synthesized THEN each file is written, sorted paths returned', () => {
    const chart = Testing.chart();
    new FileArtifact(chart, 'Policy', { fileName: 'vault/policies/app.hcl', content: 'path "x" {}\n' });
    new FileArtifact(chart, 'Script', { fileName: 'vault/setup.sh', content: '#!/bin/sh\n', executable: true });
    const out = tmp();
    const written = Artifacts.synth(chart, out);
    expect(written).toEqual([path.join(out, 'vault/policies/app.hcl'), path.join(out, 'vault/setup.sh')]);
    expect(fs.readFileSync(path.join(out, 'vault/policies/app.hcl'), 'utf8')).toBe('path "x" {}\n');
    expect(isExecutable(path.join(out, 'vault/setup.sh'))).toBe(true);
    expect(isExecutable(path.join(out, 'vault/policies/app.hcl'))).toBe(false);
  });

  test.each(['/etc/passwd', '../escape.txt', 'a/../../b', ''])('rejects file name %j outside the output folder', (name) => {
    expect(() => new FileArtifact(Testing.chart(), 'Bad', { fileName: name, content: '' }))
      .toThrow(/\[test\/Bad\] fileName: must be a relative path inside the output folder/);
  });

  test('GIVEN ownerOnly THEN the file is written with mode 0600', () => {
    const chart = Testing.chart();
    new FileArtifact(chart, 'Keys', { fileName: 'enc.yaml', content: 'k', ownerOnly: true });
    const out = tmp();
    Artifacts.synth(chart, out);
    expect((fs.statSync(path.join(out, 'enc.yaml')).mode % 0o1000).toString(8)).toBe('600');
  });

  test('two artifacts with one file name fail and nothing is written', () => {
    const chart = Testing.chart();
    new FileArtifact(chart, 'A', { fileName: 'x.txt', content: 'a' });
    new FileArtifact(chart, 'B', { fileName: 'x.txt', content: 'b' });
    const out = tmp();
    expect(() => Artifacts.synth(chart, out)).toThrow(/\[test\/B\] fileName: is also written by test\/A/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('isFileArtifact', () => {
    const chart = Testing.chart();
    expect(FileArtifact.isFileArtifact(new FileArtifact(chart, 'A', { fileName: 'a', content: '' }))).toBe(true);
    expect(FileArtifact.isFileArtifact(chart)).toBe(false);
    expect(FileArtifact.isFileArtifact(undefined)).toBe(false);
  });
});
