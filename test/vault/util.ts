import { parse } from '@cdktf/hcl2json';
import { Chart, Testing } from 'cdk8s';
import { FileArtifact } from '../../src';

/** Parses HCL with HashiCorp's parser (hcl2json, wasm) and returns its JSON form. */
export async function parseHcl(text: string, fileName = 'policy.hcl'): Promise<any> {
  return parse(fileName, text);
}

/** The FileArtifacts of a tree, by file name. */
export function artifacts(root: Chart | any): Map<string, FileArtifact> {
  const map = new Map<string, FileArtifact>();
  for (const c of root.node.root.node.findAll()) {
    if (FileArtifact.isFileArtifact(c)) map.set(c.fileName, c);
  }
  return map;
}

/** The content of one artifact (throws when missing). */
export function artifact(root: Chart | any, fileName: string): string {
  const a = artifacts(root).get(fileName);
  if (!a) throw new Error(`no artifact ${fileName}; have: ${[...artifacts(root).keys()].join(', ')}`);
  return a.content;
}

/** Synthesized objects of a chart, filtered by kind. */
export function objectsOf(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o: any) => o.kind === kind);
}

/** Runs every construct validation of the tree (as App.synth does) and throws the first error. */
export function validateTree(scope: Chart | any): void {
  for (const c of scope.node.root.node.findAll()) {
    const errors = c.node.validate();
    if (errors.length > 0) throw new Error(errors.join('\n'));
  }
}
