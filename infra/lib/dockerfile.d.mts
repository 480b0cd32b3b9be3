// Types for infra/lib/dockerfile.mjs, so TypeScript tests can import it under `strict`.
export interface Instruction {
  keyword: string;
  args: string;
}
export function parseDockerfile(text: string): Instruction[][];
export function runCommand(args: string): string;
export function envOf(args: string): Record<string, string>;
