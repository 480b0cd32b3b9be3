// Types for the TypeScript callers of tools.mjs (the tests); the other tools are called from .mjs only.
export declare const SCHEMATHESIS_PIP: string;
/** Installs Schemathesis into .stack/schemathesis unless there; answers the path of its `st` command. */
export declare function schemathesis(log?: (line: string) => void): Promise<string>;
