"""--anonymize over every captured fixture: no original name or literal is left in any
output, the plan keeps its shape and its numbers, and the anonymized plan written back
(--emit-plan, as JSON and as text) reads again into the same findings.  Run by anonymize.sh."""
import concurrent.futures, glob, json, os, re, subprocess, sys

PLANLINT = sys.argv[1]
SRC = sys.argv[2]

NAME_KEYS = ["Relation Name", "Alias", "Schema", "Index Name", "CTE Name", "Function Name",
             "Trigger Name", "Constraint Name", "Relation"]
EXPR_KEYS = ["Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond",
             "One-Time Filter", "Output", "Sort Key", "Presorted Key", "Group Key", "Hash Key",
             "Cache Key", "Query Text", "Subplan Name", "Order By", "TID Cond", "Function Call"]
# What EXPLAIN itself writes in expressions, and words the report's own text uses:
# a name equal to one of them cannot be told from it.
COMMON = set("""text integer numeric bigint date timestamp interval boolean bpchar varchar
character varying double precision without with time zone lower upper count sum avg min max
coalesce now generate_series row_number array any all true false null and not public
SubPlan InitPlan CTE hashed returns""".split())


def run(*args, stdin=None):
    r = subprocess.run([PLANLINT, "--width", "0", *args], input=stdin, capture_output=True)
    if r.returncode not in (0, 1) or b"Sanitizer" in r.stderr or b"runtime error:" in r.stderr:
        raise SystemExit("planlint %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r.stdout.decode()


def strings(v, keys, out):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in keys:
                for s in (x if isinstance(x, list) else [x]):
                    if isinstance(s, str):
                        out.append(s)
            elif k != "Settings":
                strings(x, keys, out)
    elif isinstance(v, list):
        for x in v:
            strings(x, keys, out)
    return out


def secrets(plan):
    """Names and literals of the original plan that must not come back."""
    found = set(strings(plan, NAME_KEYS, []))
    for e in strings(plan, EXPR_KEYS, []):
        for lit in re.findall(r"'((?:[^']|'')*)'", e):
            found.update(w for w in re.split(r"[%_\s,{}()\[\]:.\-/]+", lit) if len(w) >= 3)
        e = re.sub(r"'(?:[^']|'')*'", " ", e)
        found.update(re.findall(r'"((?:[^"]|"")+)"', e))
        found.update(re.findall(r"\b([a-z_][a-z0-9_]*)\.", e))
        found.update(re.findall(r"\.([a-z_][a-z0-9_]*)\b", e))
    # PostgreSQL names foreign-key triggers itself (RI_ConstraintTrigger_a_16403): no user data,
    # and kept on purpose (the trigger rule reads the kind of check from it).
    return {s for s in found if len(s) >= 3 and s not in COMMON and not re.fullmatch(r"[0-9.]+", s)
            and not re.fullmatch(r"RI_ConstraintTrigger_[a-z]_[0-9]+", s)}


def template_lines():
    """Lines the rules print as they are (examples in advice): not the plan's."""
    lines = set()
    for src in glob.glob(os.path.join(SRC, "rules", "*.c")):
        text = open(src, encoding="utf-8").read()
        joined = "".join(m.group(1) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', text))
        for line in joined.replace("\\n", "\n").split("\n"):
            if len(line.strip()) >= 20:
                lines.add(line.strip())
    return lines


TEMPLATE = template_lines()


def plan_text(text):
    """The output without the lines that come from the rules' own text."""
    return "\n".join(l for l in text.replace("\\n", "\n").split("\n") if l.strip() not in TEMPLATE)


def leaks(text, names):
    text = plan_text(text)
    return sorted(n for n in names if re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(n), text))


def same_shape(a, b, path="$"):
    """Same keys, same numbers, same booleans; strings may differ."""
    if type(a) is not type(b):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        if list(a) != list(b):
            return "%s: keys differ" % path
        for k in a:
            d = same_shape(a[k], b[k], path + "." + k)
            if d:
                return d
    elif isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = same_shape(x, y, "%s[%d]" % (path, i))
            if d:
                return d
    elif not isinstance(a, str) and a != b:
        return "%s: %r vs %r" % (path, a, b)
    return None


def node_types(v, out):
    if isinstance(v, dict):
        if "Node Type" in v:
            out.append(v["Node Type"])
        for x in v.values():
            node_types(x, out)
    elif isinstance(v, list):
        for x in v:
            node_types(x, out)
    return out


def findings(report):
    return [sorted((f["rule"]["id"] if isinstance(f.get("rule"), dict) else f.get("rule_id", f.get("rule")),
                    f.get("node_id", f.get("node"))) for f in p["findings"]) for p in report["plans"]]


def check(f):
    """Problems found with fixture f, or None when planlint does not read it."""
    try:
        original = json.loads(run("--emit-plan", f))
    except (SystemExit, ValueError):
        return None   # not a plan planlint reads (a fixture of an error case)
    names = secrets(original)
    anon = run("--anonymize=names", "--emit-plan", f)
    anon_text = run("--anonymize=names", "--emit-plan=text", f)
    problems = []
    for what, text in (("emitted plan", anon), ("emitted text", anon_text), ("tree", run("--anonymize=names", f)),
                       ("json", run("--anonymize=names", "--format", "json", f))):
        bad = leaks(text, names)
        if bad:
            problems.append("%s keeps %s" % (what, ", ".join(bad[:8])))
    anon_plan = json.loads(anon)
    if node_types(original, []) != node_types(anon_plan, []):
        problems.append("node types differ")
    d = same_shape(original, anon_plan)
    if d:
        problems.append("plan differs at " + d)
    before = json.loads(run("--format", "json", f))
    after = json.loads(run("--format", "json", "-", stdin=anon.encode()))
    fb, fa = findings(before), findings(after)
    if fb != fa:
        problems.append("findings differ: %s vs %s" % (fb, fa))
    # The text carries what the JSON carries: the anonymized JSON written as text is the
    # anonymized text, and reading it gives the original's findings.
    if run("--emit-plan=text", "-", stdin=anon.encode()) != anon_text:
        problems.append("--emit-plan=text differs from the anonymized JSON written as text")
    ft = findings(json.loads(run("--format", "json", "-", stdin=anon_text.encode())))
    if fb != ft:
        problems.append("findings of the emitted text differ: %s vs %s" % (fb, ft))
    for p in before["plans"] + after["plans"]:
        p.pop("findings", None)
    d = same_shape(before, after)
    if d and not d.startswith("$.planlint"):
        problems.append("derived numbers differ at " + d)
    return problems


fail = checked = 0
files = sorted(f for ext in ("json", "txt", "yaml", "xml") for f in glob.glob(os.path.join(SRC, "fixtures/pg15/*." + ext)))
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    results = list(pool.map(check, files))
for f, problems in zip(files, results):
    if problems is None:
        continue
    checked += 1
    if problems:
        fail += 1
        print("FAIL: %s: %s" % (os.path.relpath(f, SRC), "; ".join(problems)))
print("anonymize: %d fixtures checked, %d failed" % (checked, fail))
sys.exit(1 if fail or checked == 0 else 0)
