// Validates SARIF files against the SARIF 2.1.0 JSON schema (draft-04) with ajv:
// node validate.js SCHEMA FILE... ; exit 0 when every file is valid, 1 otherwise.
'use strict';
const fs = require('fs');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

// unicodeRegExp off: the schema's "language" pattern has a stray ']' that a /u
// regular expression refuses.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
let bad = 0;
for (const file of process.argv.slice(3)) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (validate(doc)) {
        console.log('valid: ' + file);
    } else {
        bad = 1;
        console.log('INVALID: ' + file);
        for (const e of validate.errors.slice(0, 10))
            console.log('  ' + e.instancePath + ' ' + e.message);
    }
}
process.exit(bad);
