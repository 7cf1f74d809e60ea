// Compiles src/ to plain JavaScript once per run, so contenders start as `node file.js`: no loader thread inflating RSS or profiles.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { readConfig } from './config.js';

const { benchDir, buildDir } = readConfig({});
const srcDir = path.join(benchDir, 'src');

function compileDir(from: string, to: string): number {
  mkdirSync(to, { recursive: true });
  let count = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      count += compileDir(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      // Type checking is `tsc -p bench/tsconfig.json`'s job; this only strips types.
      const out = ts.transpileModule(readFileSync(source, 'utf8'), {
        fileName: source,
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), out.outputText);
      count += 1;
    }
  }
  return count;
}

rmSync(buildDir, { recursive: true, force: true });
const count = compileDir(srcDir, buildDir);
// Inside node_modules Node stops looking for bench/package.json, so the output says it is ESM itself.
writeFileSync(path.join(buildDir, 'package.json'), '{ "type": "module" }\n');
console.log(`compiled ${count} files to ${path.relative(benchDir, buildDir)}`);
