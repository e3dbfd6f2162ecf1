// Checks Flink SQL scripts with the FlinkSQL grammar of dt-sql-parser (issue 8).
//
//   node check-sql.mjs FILE.sql...               every file must parse; exit 1 on the first syntax error
//   node check-sql.mjs --expect-error FILE.sql...  every file must be rejected (shows that the check can fail)
//   node check-sql.mjs [--expect-error] --sql 'TEXT'   the same for a SQL string
//   node check-sql.mjs --streamlab BIN --samples DIR --out DIR
//       exports every DIR/*/job.json with `BIN export JOB --to flink-sql` (filesystem and kafka
//       connectors) into --out, then checks each export
//
// Installs its node_modules with `npm ci --no-audit --no-fund` when they are missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function ensureModules() {
    if (!existsSync(join(here, 'node_modules', 'dt-sql-parser')) || !existsSync(join(here, 'node_modules', 'ajv')))
        execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
}

// Returns the syntax errors of `sql` as "line:column: message" strings (empty when it parses).
export async function sqlErrors(sql) {
    ensureModules();
    register('./resolve-hook.mjs', import.meta.url);
    const { FlinkSQL } = await import('dt-sql-parser');
    const parser = new FlinkSQL();
    // antlr4's default console listener repeats every error on stderr; validate() returns them.
    const consoleError = console.error;
    console.error = () => {};
    try {
        return parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
    } finally {
        console.error = consoleError;
    }
}

// Exports every sample job to Flink SQL with the streamlab binary; returns the written files.
export function exportSamples(streamlab, samples, out, to, extra = []) {
    mkdirSync(out, { recursive: true });
    const files = [];
    for (const name of readdirSync(samples).sort()) {
        const job = join(samples, name, 'job.json');
        if (!existsSync(job))
            continue;
        const suffix = extra.length ? '-' + extra[extra.length - 1] : '';
        const file = join(out, `${name}${suffix}.${to === 'json' ? 'json' : 'sql'}`);
        execFileSync(streamlab, ['export', job, '--to', to, '--out', file, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
        files.push(file);
    }
    if (files.length === 0)
        throw new Error(`no samples/*/job.json under ${samples}`);
    return files;
}

async function main(argv) {
    let expectError = false;
    const inputs = []; // { name, sql }
    let streamlab, samples, out;
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (a === '--expect-error')
            expectError = true;
        else if (a === '--sql')
            inputs.push({ name: '--sql', sql: argv[++i] });
        else if (a === '--streamlab')
            streamlab = argv[++i];
        else if (a === '--samples')
            samples = argv[++i];
        else if (a === '--out')
            out = argv[++i];
        else
            inputs.push({ name: a, sql: readFileSync(a, 'utf8') });
    }
    if (streamlab) {
        if (!samples || !out)
            throw new Error('--streamlab needs --samples DIR and --out DIR');
        const files = [
            ...exportSamples(streamlab, samples, out, 'flink-sql'),
            ...exportSamples(streamlab, samples, out, 'flink-sql', ['--connector', 'kafka']),
        ];
        for (const f of files)
            inputs.push({ name: f, sql: readFileSync(f, 'utf8') });
    }
    if (inputs.length === 0)
        throw new Error('usage: check-sql.mjs [--expect-error] (FILE.sql... | --sql TEXT | --streamlab BIN --samples DIR --out DIR)');
    let failed = 0;
    for (const { name, sql } of inputs) {
        const errors = await sqlErrors(sql);
        if (expectError) {
            if (errors.length === 0) {
                console.log(`FAIL ${name}: parsed, but a syntax error was expected`);
                ++failed;
            } else {
                console.log(`ok   ${name}: rejected as expected (${errors[0]})`);
            }
        } else if (errors.length) {
            console.log(`FAIL ${basename(name)}: Flink SQL syntax error\n  ${errors.join('\n  ')}`);
            ++failed;
        } else {
            console.log(`ok   ${name}`);
        }
    }
    return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(`check-sql: ${e.message}`);
            process.exit(2);
        });
}
