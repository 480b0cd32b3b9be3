import { describe, expect, it } from 'vitest';
import { bomTree } from './bom';

describe('bill of materials per model', () => {
  it('puts parts under the assemblies they go into', () => {
    const tree = bomTree([
      { partNumber: 'A-HEAD', description: 'Cutting head', parentParts: [] },
      { partNumber: 'P-LENS-B', description: 'Focus lens', parentParts: ['A-HEAD'] },
      { partNumber: 'P-NOZZLE-15', description: 'Nozzle', parentParts: ['A-HEAD'] },
      { partNumber: 'P-BELT', description: 'Drive belt', parentParts: ['A-GANTRY-OTHER-MODEL'] },
    ]);
    expect(tree).toEqual([
      {
        partNumber: 'A-HEAD',
        description: 'Cutting head',
        children: [
          { partNumber: 'P-LENS-B', description: 'Focus lens', children: [] },
          { partNumber: 'P-NOZZLE-15', description: 'Nozzle', children: [] },
        ],
      },
      { partNumber: 'P-BELT', description: 'Drive belt', children: [] },
    ]);
  });
  it('survives a cycle in the data', () => {
    const tree = bomTree([
      { partNumber: 'ROOT', description: 'r', parentParts: [] },
      { partNumber: 'A', description: 'a', parentParts: ['ROOT', 'B'] },
      { partNumber: 'B', description: 'b', parentParts: ['A'] },
    ]);
    expect(tree[0]!.children[0]).toEqual({ partNumber: 'A', description: 'a', children: [{ partNumber: 'B', description: 'b', children: [] }] });
  });
});
