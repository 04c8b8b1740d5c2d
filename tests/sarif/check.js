// What the schema cannot say: node check.js SARIF JSON LIST-RULES-JSON checks that
// the SARIF document has one result per finding of planlint's JSON output, in
// order, every rule of the catalog once, and a fingerprint on every result.
'use strict';
const fs = require('fs');
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const sarif = read(process.argv[2]), json = read(process.argv[3]), catalog = read(process.argv[4]);
const fail = (m) => { console.log('FAIL: ' + process.argv[2] + ': ' + m); process.exit(1); };
const run = sarif.runs[0];
const rules = run.tool.driver.rules.map((r) => r.id);
const ids = (catalog.rules || catalog).map((r) => r.id);
if (JSON.stringify(rules) !== JSON.stringify(ids)) fail('driver.rules is not the catalog');
const findings = [].concat(...json.plans.map((p) => p.findings || []));
if (run.results.length !== findings.length) fail(run.results.length + ' results, ' + findings.length + ' findings');
run.results.forEach((r, i) => {
    const f = findings[i];
    if (r.ruleId !== f.rule_id) fail('result ' + i + ': ' + r.ruleId + ' vs ' + f.rule_id);
    if (rules[r.ruleIndex] !== r.ruleId) fail('result ' + i + ': ruleIndex');
    const want = { error: 'error', warning: 'warning', info: 'note' }[f.severity];
    if (r.level !== want) fail('result ' + i + ': level ' + r.level + ' for ' + f.severity);
    if (!r.message.text.startsWith(f.message) || !r.message.text.includes(f.advice)) fail('result ' + i + ': message');
    if (!/^[0-9a-f]{16}$/.test(r.partialFingerprints['planlintFingerprint/v1'])) fail('result ' + i + ': fingerprint');
});
