// Per-file durations from vitest JSON reports (`npx vitest run --reporter=json --outputFile=run.json`):
//   node scripts/suite-times.mjs run.json               one column, slowest first
//   node scripts/suite-times.mjs before.json after.json  a Markdown before/after table
// A file's duration is vitest's: from its first test's start to its last test's end (hooks
// included, the import before them not). Files are matched by their path from `test/`, so reports
// from different checkouts compare.
import { readFileSync } from 'node:fs';

const reports = process.argv.slice(2);
if (reports.length < 1 || reports.length > 2) {
  console.error('usage: node scripts/suite-times.mjs <report.json> [<after.json>]');
  process.exit(2);
}

function durations(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const files = new Map();
  for (const result of report.testResults) {
    const name = result.name.slice(result.name.lastIndexOf('/test/') + 1);
    const failed = result.assertionResults.filter((a) => a.status === 'failed').length;
    files.set(name, {
      seconds: (result.endTime - result.startTime) / 1000,
      tests: result.assertionResults.length,
      status: result.status === 'passed' ? '' : ` (${failed > 0 ? `${failed} failed` : result.status})`,
    });
  }
  const span = (Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime) / 1000;
  return { files, span, tests: report.numTotalTests, failed: report.numFailedTests };
}

const seconds = (file) => (file ? `${file.seconds.toFixed(1)} s${file.status}` : '–');
const runs = reports.map(durations);
const names = [...new Set(runs.flatMap((run) => [...run.files.keys()]))].sort(
  (a, b) => (runs[0].files.get(b)?.seconds ?? 0) - (runs[0].files.get(a)?.seconds ?? 0),
);

if (runs.length === 1) {
  for (const name of names) {
    const file = runs[0].files.get(name);
    console.log(
      `${file.seconds.toFixed(1).padStart(7)} ${String(file.tests).padStart(4)}  ${name}${file.status}`,
    );
  }
} else {
  console.log('| file | before | after |');
  console.log('|---|---|---|');
  for (const name of names)
    console.log(`| ${name} | ${runs.map((run) => seconds(run.files.get(name))).join(' | ')} |`);
}
const summary = (run) =>
  `${run.files.size} files, ${run.tests} tests (${run.failed} failed), ${run.span.toFixed(1)} s from start to last end`;
for (const [index, run] of runs.entries())
  console.log(`\n${runs.length === 2 ? ['before', 'after'][index] : 'run'}: ${summary(run)}`);
