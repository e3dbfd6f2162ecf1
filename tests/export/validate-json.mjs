// Validates job files against resources/job.schema.json (JSON Schema draft 2020-12) with ajv (issue 8).
//
//   node validate-json.mjs FILE.json...                every file must validate
//   node validate-json.mjs --invalid FILE.json...      every file must be rejected (shows that the check can fail)
//   node validate-json.mjs --streamlab BIN --samples DIR --out DIR
//       exports every DIR/*/job.json with `BIN export JOB --to json` into --out and validates each export
// The options combine; exit 1 when any expectation fails.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureModules, exportSamples } from './check-sql.mjs';

const here = dirname(fileURLToPath(import.meta.url));

async function main(argv) {
    ensureModules();
    const { default: Ajv2020 } = await import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(join(here, '..', '..', 'resources', 'job.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);

    const valid = [], invalid = [];
    let streamlab, samples, out, expectInvalid = false;
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (a === '--invalid')
            expectInvalid = true;
        else if (a === '--streamlab')
            streamlab = argv[++i];
        else if (a === '--samples')
            samples = argv[++i];
        else if (a === '--out')
            out = argv[++i];
        else
            (expectInvalid ? invalid : valid).push(a);
    }
    if (streamlab) {
        if (!samples || !out)
            throw new Error('--streamlab needs --samples DIR and --out DIR');
        valid.push(...exportSamples(streamlab, samples, out, 'json'));
    }
    if (valid.length + invalid.length === 0)
        throw new Error('usage: validate-json.mjs [FILE.json...] [--invalid FILE.json...] [--streamlab BIN --samples DIR --out DIR]');
    let failed = 0;
    for (const file of valid) {
        if (validate(JSON.parse(readFileSync(file, 'utf8')))) {
            console.log(`ok   ${file}`);
        } else {
            console.log(`FAIL ${file}: does not validate against job.schema.json\n  ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
            ++failed;
        }
    }
    for (const file of invalid) {
        if (validate(JSON.parse(readFileSync(file, 'utf8')))) {
            console.log(`FAIL ${file}: validates, but it was expected to be rejected`);
            ++failed;
        } else {
            console.log(`ok   ${file}: rejected as expected (${validate.errors[0].instancePath} ${validate.errors[0].message})`);
        }
    }
    return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        console.error(`validate-json: ${e.message}`);
        process.exit(2);
    });
