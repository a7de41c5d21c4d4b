"""rolec benchmark: cold build, no-op rebuild, one changed spec and `rolec check` for N specs,
with wall time and peak RSS (median of repeats), against cfn-lint's own floor and, when
node and npm are present, the AWS CDK synthesizing the same roles.

    python bench/run.py [--sizes 1,10,100,1000] [--repeat 3] [--no-cdk]

Writes bench/results.json and bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.specs import write_specs  # noqa: E402

CDK_HOME = Path(os.environ.get("ROLEC_BENCH_CDK_DIR", Path.home() / ".cache" / "rolec-bench-cdk"))


TIME = Path("/usr/bin/time")


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest process of the tree) of one command.

    RSS comes from /usr/bin/time where present: a child's high-water mark survives fork and
    exec, so reading it through wait4 here would report this (larger) process instead.
    """
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [str(TIME), "-f", "%M", "-o", rss.name, *command] if TIME.exists() else command
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{log.read().decode()[-3000:]}")
        peak_kib = int(rss.read().split()[-1]) if TIME.exists() else usage.ru_maxrss
    return wall, peak_kib / 1024


def median(samples: list[tuple[float, float]]) -> dict:
    return {"wall_s": round(statistics.median(s[0] for s in samples), 3),
            "peak_rss_mib": round(max(s[1] for s in samples), 1),
            "samples_s": [round(s[0], 3) for s in samples]}


def rolec(*args: str) -> list[str]:
    return [sys.executable, "-m", "compiler", *args]


def bench_rolec(count: int, repeat: int, work: Path) -> dict:
    specs = work / "specs"
    write_specs(specs, count)
    out, cache = work / "out", work / "cache"
    build = rolec("build", str(specs), "--out", str(out), "--cache-dir", str(cache))
    results: dict = {}

    cold = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(run(build, ROOT))
    results["cold"] = median(cold)
    results["noop"] = median([run(build, ROOT) for _ in range(repeat)])
    changed = []
    first = specs / "service-0000.yaml"
    original = first.read_text()
    for i in range(repeat):
        first.write_text(original.replace("/ecs/service-0", f"/ecs/service-0-rev{i}", 1))
        changed.append(run(build, ROOT))
    first.write_text(original)
    run(build, ROOT)
    results["one_changed"] = median(changed)
    results["check"] = median([run(rolec("check", str(specs), "--out", str(out), "--cache-dir", str(cache)), ROOT)
                               for _ in range(repeat)])
    results["cfn_lint_floor_s"] = cfn_lint_floor(out)
    return results


def cfn_lint_floor(out: Path) -> float:
    """cfn-lint's own time for these templates with one reused Runner, divided by the cores a build uses."""
    from compiler.validate.cfnlint import CfnLint

    templates = [p.read_text() for p in sorted((out / "cloudformation").glob("*.yaml"))]
    linter = CfnLint()
    linter.lint(templates[0])
    started = time.perf_counter()
    for template in templates:
        linter.lint(template)
    return round((time.perf_counter() - started) / (os.cpu_count() or 1), 3)


def cdk_available() -> bool:
    return bool(shutil.which("node") and shutil.which("npm"))


def install_cdk() -> Path:
    if not (CDK_HOME / "node_modules" / "aws-cdk-lib").is_dir():
        CDK_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "aws-cdk-lib", "constructs"],
                       cwd=CDK_HOME, check=True)
    shutil.copy(HERE / "cdk_app.js", CDK_HOME / "cdk_app.js")
    return CDK_HOME


def cdk_roles(out: Path) -> list[dict]:
    """The statements rolec compiled, as input for the equivalent CDK app."""
    from compiler.pipeline import compile_spec

    roles = []
    for spec in sorted((out.parent / "specs").glob("*.yaml")):
        role = compile_spec(spec).role
        roles.append({
            "id": role.id,
            "path": role.path,
            "managed": bool(role.managed_policies),
            "statements": [{
                "sid": s.sid,
                "actions": list(s.actions),
                "resources": [r.render(lambda p: "${AWS::" + p.value + "}") for r in s.resources],
                "conditions": {c.operator: {c.key: [v.key for v in c.values]} for c in s.conditions},
            } for s in role.statements],
        })
    return roles


def bench_cdk(count: int, repeat: int, work: Path) -> dict:
    home = install_cdk()
    roles_file = work / "roles.json"
    roles_file.write_text(json.dumps(cdk_roles(work / "out")))
    results = {}
    for mode in ("validate", "novalidate"):
        samples = []
        for _ in range(repeat):
            outdir = work / f"cdk.out-{mode}"
            shutil.rmtree(outdir, ignore_errors=True)
            samples.append(run(["node", str(home / "cdk_app.js"), str(roles_file), str(outdir), mode], home))
        results[mode] = median(samples)
    return results


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


def markdown(report: dict) -> str:
    lines = [f"Machine: {report['machine']}. Median of {report['repeat']} runs; peak RSS is the largest "
             "process of the run. Floor: cfn-lint's own time for the same templates with one reused Runner, "
             "divided by the cores.", "",
             "| specs | cold build | cold / cfn-lint floor | no-op rebuild | one spec changed | `rolec check` | peak RSS (cold) | CDK synth (validation on / off) | CDK ÷ rolec cold (on / off) | CDK ÷ one changed |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for count, r in report["sizes"].items():
        cold = r["cold"]["wall_s"]
        floor = r["cfn_lint_floor_s"]
        cdk = r.get("cdk")
        cdk_cells = "— | — | —"
        if cdk:
            on, off = cdk["validate"]["wall_s"], cdk["novalidate"]["wall_s"]
            cdk_cells = (f"{on:.2f} s / {off:.2f} s | {on / cold:.1f}× / {off / cold:.1f}× | "
                         f"{on / r['one_changed']['wall_s']:.0f}×")
        lines.append(f"| {count} | {cold:.2f} s | {cold / floor:.2f}× | {r['noop']['wall_s']:.2f} s | "
                     f"{r['one_changed']['wall_s']:.2f} s | {r['check']['wall_s']:.2f} s | "
                     f"{r['cold']['peak_rss_mib']:.0f} MiB | {cdk_cells} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cdk", action="store_true", help="skip the AWS CDK comparison")
    args = parser.parse_args()
    with_cdk = not args.no_cdk and cdk_available()
    report = {"machine": machine(), "repeat": args.repeat, "sizes": {}}
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"rolec-bench-{count}-") as folder:
            work = Path(folder)
            result = bench_rolec(count, args.repeat, work)
            if with_cdk:
                result["cdk"] = bench_cdk(count, args.repeat, work)
            report["sizes"][count] = result
            print(f"{count:>5} specs: {json.dumps(result)}", flush=True)
    (HERE / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (HERE / "results.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
