// Several FILEs in one SARIF log: node check-files.js LOG SINGLE... checks that LOG is
// one JSON document with one run whose results are those of the SINGLE logs (each
// FILE on its own), in order, so each keeps its file as the artifact.
'use strict';
const fs = require('fs');
const fail = (m) => { console.log('FAIL: ' + process.argv[2] + ': ' + m); process.exit(1); };
let log;
try {
    log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
    fail('not one JSON document: ' + e.message);
}
const singles = process.argv.slice(3).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
if (log.runs.length !== 1) fail(log.runs.length + ' runs');
const want = [].concat(...singles.map((s) => s.runs[0].results));
const got = log.runs[0].results;
if (got.length !== want.length) fail(got.length + ' results, ' + want.length + ' from the files one by one');
got.forEach((r, i) => {
    if (JSON.stringify(r) !== JSON.stringify(want[i])) fail('result ' + i + ' differs from its file on its own');
});
const uris = new Set(got.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
if (uris.size !== singles.filter((s) => s.runs[0].results.length).length) fail('artifacts: ' + [...uris].join(' '));
if (JSON.stringify(log.runs[0].tool) !== JSON.stringify(singles[0].runs[0].tool)) fail('tool differs');
