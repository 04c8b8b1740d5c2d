// json-schema.js - validates planlint's JSON output (JSON Lines files) against
// docs/planlint-output.schema.json with ajv. Usage:
//   node json-schema.js NODE_MODULES SCHEMA valid|invalid FILE...
// "valid": every document of every file must pass; "invalid": every file must hold
// a document that fails (each is a deliberately broken one).
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, schemaPath, expect, ...files] = process.argv.slice(2);
const Ajv2020 = require(path.join(modules, 'ajv/dist/2020')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let bad = 0, docs = 0;
for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    let failed = false;
    for (const line of lines) {
        docs++;
        if (!validate(JSON.parse(line))) {
            failed = true;
            if (expect === 'valid')
                console.log(`FAIL: ${file}: ${ajv.errorsText(validate.errors)}`);
            else
                console.log(`rejected as it should be: ${path.basename(file)}: ${ajv.errorsText(validate.errors).slice(0, 160)}`);
        }
    }
    if (lines.length === 0 || failed !== (expect === 'invalid')) {
        bad++;
        if (expect === 'invalid')
            console.log(`FAIL: ${file}: a broken document passed the schema`);
    }
}
console.log(`${expect}: ${files.length} files, ${docs} documents, ${bad} not as expected`);
process.exit(bad ? 1 : 0);
