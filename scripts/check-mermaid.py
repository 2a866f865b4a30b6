#!/usr/bin/env python3
"""Render every Mermaid chart of telform's Markdown plans in a real browser and check it.

    scripts/check-mermaid.py --mermaid PATH/mermaid.min.js [--telform .build/release/telform]
                             [--chromium chromium] [--expect-label TEXT]... [CONFIG.yaml ...]

For each config (default: every examples/*.yaml, planned in a scratch copy of examples/),
`telform plan --format markdown` is run and each ```mermaid block is rendered by Mermaid
(the file given: mermaid 11's mermaid.min.js) in headless Chromium. A chart passes when it
renders, its "before" subgraph is drawn above its "after" one, and every label shows the
text of the plan's text output literally (Mermaid decodes `#...;` entities and HTML in
labels; telform escapes them). Needs chromium (Debian: apt-get install chromium); not part
of .ci/run, which has no browser.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="mermaid.min.js"></script></head>
<body><pre id="out">pending</pre><script>
mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
const charts = %s;
(async () => {
  const results = [];
  for (const [name, text] of charts) {
    try {
      const {svg} = await mermaid.render("c" + results.length, text);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      document.body.appendChild(holder);
      const cluster = (title) => [...holder.querySelectorAll("g.cluster")]
        .find((g) => (g.querySelector(".cluster-label") || g).textContent.trim() === title);
      const top = (title) => { const g = cluster(title); return g ? g.getBoundingClientRect().y : null; };
      const labels = [...holder.querySelectorAll("g.node")].map((g) => g.textContent.trim());
      results.push({name, before: top("before"), after: top("after"), labels});
    } catch (e) {
      results.push({name, error: String(e.message || e)});
    }
  }
  document.getElementById("out").textContent = "RESULT" + JSON.stringify(results) + "END";
})();
</script></body></html>"""


def charts_of(telform, config, folder):
    plan = subprocess.run([telform, "plan", "-c", config, "--format", "markdown"], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "RECEPTION_SIP_PASSWORD": "Abcdefghij0123456789", "SUPPORT_SIP_PASSWORD": "Zbcdefghij0123456789"})
    return re.findall(r"```mermaid\n(.*?)```", plan.stdout, re.S)


def expected_labels(chart):
    """The labels as written in the chart, with telform's escapes undone: what must show."""
    found = []
    for match in re.finditer(r'^\s*[a-z][0-9]+(?:\(\[|\[|\{)"(.*)"(?:\]\)|\]|\})\s*$', chart, re.M):
        text = match.group(1)
        for entity, char in (("#quot;", '"'), ("#62;", ">"), ("#60;", "<"), ("#38;", "&"), ("#35;", "#")):
            text = text.replace(entity, char)
        found.append(text)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mermaid", required=True)
    parser.add_argument("--telform", default=".build/release/telform")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--expect-label", action="append", default=[],
                        help="text some label must show as written (a name with #35; & < > or quotes)")
    parser.add_argument("configs", nargs="*")
    options = parser.parse_args()
    telform = os.path.abspath(options.telform)
    work = tempfile.mkdtemp(prefix="telform-mermaid-")
    examples = os.path.join(work, "examples")
    shutil.copytree("examples", examples, ignore=shutil.ignore_patterns(".telform"))
    # A config given is planned beside the examples (their seeds and secrets), as a copy.
    for config in options.configs:
        shutil.copy(config, examples)
    configs = [os.path.basename(c) for c in options.configs] or sorted(
        os.path.basename(p) for p in glob.glob("examples/*.yaml") if not p.endswith(".tests.yaml"))
    charts = []
    for config in configs:
        for index, chart in enumerate(charts_of(telform, config, examples)):
            charts.append((f"{os.path.basename(config)}#{index + 1}", chart))
    shutil.copy(options.mermaid, os.path.join(work, "mermaid.min.js"))
    with open(os.path.join(work, "index.html"), "w") as page:
        page.write(PAGE % json.dumps(charts))
    dom = subprocess.run([options.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=60000",
                          "--dump-dom", "file://" + os.path.join(work, "index.html")], capture_output=True, text=True, timeout=300).stdout
    found = re.search(r'<pre id="out">RESULT(.*?)END</pre>', dom, re.S)
    if not found:
        print("the page did not finish rendering", file=sys.stderr)
        return 1
    import html
    results = json.loads(html.unescape(found.group(1)))
    problems = 0
    for (name, chart), result in zip(charts, results):
        if "error" in result:
            print(f"{name}: does not render: {result['error']}")
            problems += 1
            continue
        if result["before"] is None or result["after"] is None or not result["before"] < result["after"]:
            print(f"{name}: before is not above after (before y={result['before']}, after y={result['after']})")
            problems += 1
        shown = [" ".join(label.split()) for label in result["labels"]]
        for label in expected_labels(chart):
            if " ".join(label.split()) not in shown:
                print(f"{name}: the label {label!r} is not shown as written (shown: {shown})")
                problems += 1
    every = [" ".join(label.split()) for result in results for label in result.get("labels", [])]
    for text in options.expect_label:
        if not any(text in label for label in every):
            print(f"no label shows {text!r} as written")
            problems += 1
    print(f"{len(charts)} charts of {len(configs)} configs rendered; {problems} problems")
    shutil.rmtree(work)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
