// Checks planlint's --format speedscope documents (tests/cli/flamegraph.sh):
// usage: node flamegraph.cjs NODE_MODULES LIST, LIST lines "document root_ms".
// Each document must validate against the schema speedscope ships, and beyond the
// schema meet what speedscope's importer relies on: one weight per sample, frame
// indices in range, the weights adding up to endValue - startValue and to the
// root's inclusive time. A broken document must fail, or the validation proves nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, list] = process.argv.slice(2);
const Ajv = require(path.join(modules, 'ajv'));
const schema = JSON.parse(fs.readFileSync(
    path.join(modules, 'speedscope/dist/release/file-format-schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

function problems(doc, rootMs) {
    const out = [];
    if (!validate(doc))
        for (const e of validate.errors) out.push(`schema: ${e.instancePath} ${e.message}`);
    if (out.length) return out;
    if (doc.profiles.length < 1) out.push('no profile');
    let total = 0;
    for (const p of doc.profiles) {
        if (p.type !== 'sampled' || p.unit !== 'milliseconds') out.push(`${p.name}: not sampled in ms`);
        if (p.samples.length !== p.weights.length) out.push(`${p.name}: samples and weights differ in length`);
        for (const s of p.samples)
            for (const i of s)
                if (!Number.isInteger(i) || i < 0 || i >= doc.shared.frames.length) out.push(`${p.name}: bad frame ${i}`);
        const sum = p.weights.reduce((a, w) => a + w, 0);
        if (p.weights.some((w) => !(w > 0))) out.push(`${p.name}: a weight is not positive`);
        if (Math.abs(sum - (p.endValue - p.startValue)) > 1e-6) out.push(`${p.name}: weights ${sum} != end - start`);
        total += sum;
    }
    if (rootMs !== undefined && Math.abs(total - rootMs) > 0.001 + 1e-9)
        out.push(`weights add up to ${total} ms, root ${rootMs} ms`);
    return out;
}

let failed = 0, checked = 0, first = null;
for (const line of fs.readFileSync(list, 'utf8').split('\n').filter(Boolean)) {
    const [file, root] = line.split(' ');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    first = first || doc;
    const p = problems(doc, Number(root));
    checked++;
    if (p.length) { failed++; console.log(`FAIL: ${file}:\n  ${p.slice(0, 5).join('\n  ')}`); }
}
// The same checks must reject a broken document: a unit speedscope does not know,
// weights missing, and (past the schema) a frame index out of range.
const broken = JSON.parse(JSON.stringify(first));
broken.profiles[0].unit = 'furlongs';
delete broken.profiles[0].weights;
if (problems(broken).length === 0) { failed++; console.log('FAIL: a broken document passed the schema'); }
const outOfRange = JSON.parse(JSON.stringify(first));
outOfRange.profiles[0].samples[0] = [outOfRange.shared.frames.length];
if (problems(outOfRange).length === 0) { failed++; console.log('FAIL: a frame index out of range passed'); }
console.log(`speedscope: ${checked} documents validated against speedscope's schema`);
process.exit(failed ? 1 : 0);
