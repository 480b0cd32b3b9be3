// A Dockerfile read as the checks and the image test need it: instructions by stage.

/** Instructions of a Dockerfile, continuation lines joined, comments dropped, split into stages. */
export function parseDockerfile(text) {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line);
    if (keyword.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: rest });
  }
  return stages;
}

/** A RUN instruction's shell command, without its BuildKit flags (--mount=..., --network=...). */
export function runCommand(args) {
  return args.replace(/^(--\S+\s+)+/, '');
}

/** `ENV a=1 b=2` as an object (the key=value form only, which the project's Dockerfiles use). */
export function envOf(args) {
  return Object.fromEntries(args.split(/\s+/).map((pair) => pair.split('=', 2)));
}
