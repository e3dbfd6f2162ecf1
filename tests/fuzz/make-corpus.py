#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/NAME) from the samples and the tests,
and the regression inputs of issue 19 (tests/fuzz/regressions/NAME), each a bad input that once
crashed, hung or was misread. Deterministic; run it again after adding a sample."""
import json, pathlib, re, shutil

root = pathlib.Path(__file__).resolve().parents[2]
fuzz = root / "tests" / "fuzz"


def clean(folder):
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def job_files():
    files = sorted(root.glob("samples/*/job.json")) + sorted(root.glob("tests/data/*/*.json"))
    return [f for f in files if f.stat().st_size < 64 * 1024]


# fuzz_job: every job file of the samples and the tests, as it is.
corpus = clean(fuzz / "corpus" / "fuzz_job")
for f in job_files():
    shutil.copy(f, corpus / f"{f.parent.name}-{f.name}")

# fuzz_lint: the same jobs, their event files replaced by the target's clicks.csv / clicks.jsonl.
corpus = clean(fuzz / "corpus" / "fuzz_lint")
for f in job_files():
    try:
        job = json.loads(f.read_text())
    except ValueError:
        continue
    for n in job.get("nodes", []) if isinstance(job, dict) else []:
        if isinstance(n, dict) and n.get("kind") == "source":
            n["path"] = "clicks.jsonl" if n.get("format") == "jsonl" else "clicks.csv"
    (corpus / f"{f.parent.name}-{f.name}").write_text(json.dumps(job, indent=1))

# fuzz_expr: the samples' and tests' expressions, and the expression tests' rows.
corpus = clean(fuzz / "corpus" / "fuzz_expr")
exprs = set()
for f in job_files():
    text = f.read_text()
    exprs.update(re.findall(r'"where":\s*"((?:[^"\\]|\\.)*)"', text))
for m in re.finditer(r'newRow\("[^"]*"\)\s*<<\s*"((?:[^"\\]|\\.)*)"', (root / "tests/engine/tst_expression.cpp").read_text()):
    exprs.add(m.group(1))
exprs.update(["concat(s, '/', hash(l) % 16)", "abs(d) * 2 > 100 && lower(s) == 'de'", "t - 1000 >= l",
              "a == null || !b", "upper(s) + i / 0", "-9223372036854775808 - 1", "'\\u00e9' + 1.5e308 * 10"])
for i, e in enumerate(sorted(exprs)):
    (corpus / f"expr-{i:03d}").write_bytes(e.encode().decode("unicode_escape").encode("utf-8", "surrogatepass")
                                           if "\\" in e else e.encode())

# fuzz_events: mode byte (bit 0 jsonl, 1 skip, 2 declared schema, 3 arrival field, 4 run the job,
# 5-6 window, 7 two threads), then the event file with fields k, ts, v, arr.
csv = "k,ts,v,arr\n" + "".join(f"u{i % 3},{1663927200000 + i * 700 - (i % 4) * 900},{i}.5,{i * 100}\n" for i in range(30))
iso = "k,ts,v,arr\n" + "".join(f"\"u{i % 2}\",2022-09-23T10:00:{i:02d}.{i * 7 % 1000:03d}Z,\"{i}\",{i * 250}\n" for i in range(30))
quoted = 'k,ts,v,arr\n"a ""b""",1663927200000,"1,5",0\n"multi\nline",1663927201000,2,10\n,1663927202000,,20\n'
jsonl = "".join(json.dumps({"k": f"u{i % 3}", "ts": 1663927200000 + i * 500, "v": i * 1.5, "arr": i * 100}) + "\n"
                for i in range(30)) + '{"@watermark": 1663927260000}\n{"k": null, "ts": "2022-09-23T10:01:00Z", "v": 1}\n'
corpus = clean(fuzz / "corpus" / "fuzz_events")
for mode in [0, 2, 4, 8, 16, 16 | 8, 16 | 32, 16 | 64, 16 | 96, 16 | 128, 16 | 4 | 8 | 128]:
    (corpus / f"csv-{mode:03d}").write_bytes(bytes([mode]) + csv.encode())
    (corpus / f"iso-{mode:03d}").write_bytes(bytes([mode]) + iso.encode())
    (corpus / f"quoted-{mode:03d}").write_bytes(bytes([mode]) + quoted.encode())
    (corpus / f"jsonl-{mode:03d}").write_bytes(bytes([mode | 1]) + jsonl.encode())

# Regressions: the reproducers of issue 19.
reg = clean(fuzz / "regressions" / "fuzz_events")
run = 16
(reg / "csv-quoted-short-fields").write_bytes(bytes([0]) + b'k,ts,v,arr\n"u1","1663927200000","1.5","0"\n"u2","1663927200001","2.5","1"\n')
(reg / "csv-quoted-short-fields-run").write_bytes(bytes([run]) + b'"k","ts","v","arr"\n"u1","1663927200000","1.5","0"\n')
(reg / "jsonl-timestamp-1e20").write_bytes(bytes([run | 2 | 1]) + b'{"k":"a","ts":1e20,"v":1}\n{"k":"a","ts":1000,"v":1}\n')
(reg / "jsonl-timestamp-2-64").write_bytes(bytes([run | 1]) + b'{"k":"a","ts":18446744073709551616,"v":1}\n')
(reg / "csv-timestamp-long-min").write_bytes(bytes([run]) + b'k,ts,v,arr\na,-9223372036854775808,1,0\n')
(reg / "arrival-gap-of-billions").write_bytes(bytes([run | 8]) + b'k,ts,v,arr\na,1000,1,0\nb,2000,1,1663927200000\n')
(reg / "jsonl-two-objects").write_bytes(bytes([1]) + b'{"k":"a","ts":1,"v":1}{"k":"b","ts":2,"v":2}\n')
(reg / "jsonl-bom").write_bytes(bytes([run | 1]) + b'\xef\xbb\xbf{"k":"a","ts":1,"v":1}\n')

reg = clean(fuzz / "regressions" / "fuzz_job")
base = json.loads((root / "samples/clickstream/job.json").read_text())
text = json.dumps(base).replace('"parallelism": 2', '"parallelism": 1e400')
(reg / "number-1e400.json").write_text(text)
(reg / "deep-nesting-ui.json").write_text('{"format":"streamlab-job","version":1,"ui":' + "[" * 45000 + "]" * 45000 + ',"nodes":[]}')
(reg / "deep-nesting-unknown-key.json").write_text('{"x":' + '{"a":' * 3000 + '1' + '}' * 3000 + '}')

reg = clean(fuzz / "regressions" / "fuzz_lint")
bad = json.loads((fuzz / "corpus/fuzz_lint/clickstream-job.json").read_text())
for n in bad["nodes"]:
    if n["id"] == "perMinute":
        n["aggregate"] = {"fn": "sum", "field": "price"}
(reg / "aggregate-field-not-in-stream.json").write_text(json.dumps(bad))

reg = clean(fuzz / "regressions" / "fuzz_expr")
(reg / "parentheses-100000-deep").write_text("(" * 100000 + "1" + ")" * 100000)
(reg / "not-100000-times").write_text("!" * 100000 + "b")
(reg / "minus-100000-times").write_text("-" * 100000 + "1")
(reg / "long-min-minus-one").write_text("-9223372036854775808 - 1 + l * l / (i % 0)")
