// Keeps every source file under the project's 400-line limit (DEVELOPERS.md: "keep files under 400 lines").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 400;
const roots = ['src', 'test', 'bench', 'scripts'];
const offenders = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'artifacts') continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|mjs|cjs|js|lua|sh)$/.test(name)) {
      const lines = readFileSync(path, 'utf8').split('\n').length;
      if (lines > LIMIT) offenders.push(`${path}: ${lines} lines`);
    }
  }
}

for (const root of roots) {
  try {
    walk(root);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}
if (offenders.length > 0) {
  console.error(`Files over ${LIMIT} lines:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
console.log(`file size: every source file is under ${LIMIT} lines`);
