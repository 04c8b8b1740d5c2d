// What the schema cannot say of planlint diff's SARIF: node check-diff.js DIFF-SARIF
// DIFF-JSON AFTER-SARIF LIST-RULES-JSON FAILING checks that the results are the findings
// that appeared (in the diff's JSON order, rule, level and message as in the single-plan
// SARIF, with the fingerprint the single-plan SARIF of the after plan gives the same
// finding), then one PLDIFF result per regression reason at level error when FAILING is
// 1 and warning otherwise; and that the rules are the catalog, then PLDIFF.
'use strict';
const fs = require('fs');
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const sarif = read(process.argv[2]), diff = read(process.argv[3]), single = read(process.argv[4]);
const catalog = read(process.argv[5]), failing = process.argv[6] === '1';
const fail = (m) => { console.log('FAIL: ' + process.argv[2] + ': ' + m); process.exit(1); };
const run = sarif.runs[0];
const rules = run.tool.driver.rules.map((r) => r.id);
const ids = (catalog.rules || catalog).map((r) => r.id).concat(['PLDIFF']);
if (JSON.stringify(rules) !== JSON.stringify(ids)) fail('driver.rules is not the catalog and PLDIFF');
const appeared = diff.findings.appeared, reasons = diff.regression.reasons;
if (run.results.length !== appeared.length + reasons.length)
    fail(run.results.length + ' results, ' + appeared.length + ' findings and ' + reasons.length + ' reasons');
const fp = (r) => r.partialFingerprints['planlintFingerprint/v1'];
const known = single.runs[0].results.map((r) => r.ruleId + ' ' + fp(r) + ' ' + r.message.text);
run.results.forEach((r, i) => {
    if (rules[r.ruleIndex] !== r.ruleId) fail('result ' + i + ': ruleIndex');
    if (!/^[0-9a-f]{16}$/.test(fp(r))) fail('result ' + i + ': fingerprint');
    if (i < appeared.length) {
        const f = appeared[i];
        const want = { error: 'error', warning: 'warning', info: 'note' }[f.severity];
        if (r.ruleId !== f.rule_id || r.level !== want) fail('result ' + i + ': ' + r.ruleId + '/' + r.level);
        if (!r.message.text.startsWith(f.message)) fail('result ' + i + ': message');
        if (!known.includes(r.ruleId + ' ' + fp(r) + ' ' + r.message.text))
            fail('result ' + i + ': not as the single-plan SARIF of the after plan has it');
    } else {
        const reason = reasons[i - appeared.length];
        if (r.ruleId !== 'PLDIFF' || r.level !== (failing ? 'error' : 'warning')) fail('result ' + i + ': ' + r.level);
        if (r.message.text !== reason.text || r.properties.kind !== reason.kind) fail('result ' + i + ': reason');
    }
});
if (run.properties.verdict !== diff.verdict || run.properties.regressed !== diff.regression.regressed)
    fail('run properties');
