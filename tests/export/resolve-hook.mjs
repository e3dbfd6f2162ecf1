// Node module-customization hooks that let Node 20 load dt-sql-parser's ESM build.
//
// The package's dist/ is TypeScript output for bundlers: it imports '../common/types' (no
// extension) and '../../lib' (a directory), and its package.json has no "type": "module", so
// plain Node refuses it (ERR_MODULE_NOT_FOUND, ERR_UNSUPPORTED_DIR_IMPORT) or reads it as
// CommonJS. Registered by check-sql.mjs with module.register(); touches nothing outside the
// package.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const kPackage = '/node_modules/dt-sql-parser/';

function isFile(url) {
    try {
        return statSync(fileURLToPath(url)).isFile();
    } catch {
        return false;
    }
}

export async function resolve(specifier, context, nextResolve) {
    const fromPackage = context.parentURL !== undefined && context.parentURL.includes(kPackage);
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (fromPackage && relative) {
        const base = new URL(specifier, context.parentURL);
        for (const candidate of [base.href + '.js', base.href + '/index.js']) {
            if (isFile(candidate))
                return { url: candidate, format: 'module', shortCircuit: true };
        }
        if (isFile(base.href))
            return { url: base.href, format: 'module', shortCircuit: true };
    }
    return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
    // Everything under the package's dist/ is ESM, whatever its package.json says.
    if (url.includes(kPackage) && url.endsWith('.js') && existsSync(fileURLToPath(url)))
        return nextLoad(url, { ...context, format: 'module' });
    return nextLoad(url, context);
}
