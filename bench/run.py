"""rolec benchmark: cold build, no-op rebuild, one changed spec and `rolec check` for N specs,
with wall time and peak RSS (median of repeats), against cfn-lint's own floor and, when
node and npm are present, the AWS CDK synthesizing the same roles.

    python bench/run.py [--sizes 1,10,100,1000] [--repeat 3] [--no-cdk]

Writes bench/results.json and bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
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

from bench.linked import write_linked  # noqa: E402
from bench.specs import write_specs  # noqa: E402

CDK_HOME = Path(os.environ.get("ROLEC_BENCH_CDK_DIR", Path.home() / ".cache" / "rolec-bench-cdk"))


TIME = Path("/usr/bin/time")
CORES = os.cpu_count() or 1


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB, largest process of the tree) and output of one command.

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
        log.seek(0)
        return wall, peak_kib / 1024, log.read().decode()


def median(samples: list[tuple[float, float, str]]) -> dict:
    return {"wall_s": round(statistics.median(s[0] for s in samples), 3),
            "peak_rss_mib": round(max(s[1] for s in samples), 1),
            "samples_s": [round(s[0], 3) for s in samples]}


def rolec(*args: str) -> list[str]:
    return [sys.executable, "-m", "rolec", *args]


def bench_rolec(count: int, repeat: int, work: Path) -> dict:
    specs = work / "specs"
    write_specs(specs, count)
    out, cache = work / "out", work / "cache"
    arguments = ("build", str(specs), "--out", str(out), "--cache-dir", str(cache))
    build = rolec(*arguments)
    results: dict = {}

    cold, floors = [], []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        sample = run(rolec("-v", *arguments), ROOT)
        cold.append(sample)
        floors.append(lint_floor(sample[2]))
    results["cold"] = median(cold)
    results["cfn_lint_floor_s"] = round(statistics.median(floor for floor, _ in floors), 3)
    results["cold_over_floor"] = round(statistics.median(s[0] / floor for s, (floor, _) in zip(cold, floors)), 3)
    results["templates_linted"] = floors[0][1]
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
    return results


def bench_linked(count: int, repeat: int, work: Path) -> dict:
    """N specs each linked to its task definition: the no-op rebuild (the cache key reads the linked files) and
    one changed task definition (an environment value: its spec is recompiled and checked against it again)."""
    taskdefs = write_linked(work, count)
    specs, out, cache = work / "specs", work / "out", work / "cache"
    build = rolec("build", str(specs), "--out", str(out), "--cache-dir", str(cache))
    run(build, ROOT)
    results = {"noop": median([run(build, ROOT) for _ in range(repeat)])}
    original = taskdefs[0].read_text()
    changed = []
    for i in range(repeat):
        taskdefs[0].write_text(original.replace('"value": "prod"', f'"value": "prod-{i}"', 1))
        changed.append(run(build, ROOT))
    taskdefs[0].write_text(original)
    results["one_changed"] = median(changed)
    return results


STATS = re.compile(r"compiled \d+ specs? in (\d+) process(?:es)?; cfn-lint checked (\d+) templates? in ([\d.]+) s")


def lint_floor(output: str) -> tuple[float, int]:
    """The cfn-lint floor of one cold build, from what `rolec -v build` says: cfn-lint's own time on every
    template the build linted (outputs and StackSet TemplateBodies; runner set-up not included), summed
    over the processes that linted and divided by their number; and how many templates that was."""
    processes, templates, seconds = STATS.search(output).groups()
    return float(seconds) / int(processes), int(templates)


def cdk_roles(specs: Path) -> list[dict]:
    """The roles rolec compiled from the specs, as input for the equivalent CDK app."""
    with multiprocessing.get_context("fork").Pool(CORES) as pool:
        return pool.map(_cdk_role, sorted(specs.glob("*.yaml")), chunksize=8)


def _cdk_role(path: Path) -> dict:
    from rolec.build.pipeline import compile_spec

    return cdk_role(compile_spec(path).role)


def cdk_role(role) -> dict:
    """The statements rolec compiled, as input for the equivalent CDK app."""
    return {
        "id": role.id,
        "path": role.path,
        "managed": bool(role.managed_policies),
        "statements": [{
            "sid": s.sid,
            "actions": list(s.actions),
            "resources": [r.render(lambda p: "${AWS::" + p.value + "}") for r in s.resources],
            "conditions": {c.operator: {c.key: [v.key for v in c.values]} for c in s.conditions},
        } for s in role.statements],
    }


def cdk_available() -> bool:
    return bool(shutil.which("node") and shutil.which("npm"))


def install_cdk() -> Path:
    if not (CDK_HOME / "node_modules" / "aws-cdk-lib").is_dir():
        CDK_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "aws-cdk-lib", "constructs"],
                       cwd=CDK_HOME, check=True)
    shutil.copy(HERE / "cdk_app.js", CDK_HOME / "cdk_app.js")
    return CDK_HOME


def bench_cdk(roles: list[dict], repeat: int, work: Path) -> dict:
    home = install_cdk()
    roles_file = work / "roles.json"
    roles_file.write_text(json.dumps(roles))
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
    lines = [(f"Machine: {report['machine']}. Median of {report['repeat']} runs; peak RSS is the largest process of "
              "the run. cfn-lint floor: cfn-lint's own time on every template a cold build lints (outputs and "
              "StackSet TemplateBodies), with one reused Runner per process, summed over the processes and divided "
              "by their number (1 below 16 specs, else the cores), as `rolec -v build` reports it for that very "
              "build; cold ÷ floor is the median of the runs' ratios. The whole benchmark took "
              f"{report['minutes']:.1f} min."),
             "",
             "| specs | templates linted | cold build | cfn-lint floor | cold ÷ floor | no-op rebuild | one spec changed | `rolec check` | peak RSS (cold) | linked to task definitions: no-op / one task definition changed | CDK synth (validation on / off) | CDK ÷ rolec cold (on / off) | CDK ÷ one changed |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for count, r in report["sizes"].items():
        cold = r["cold"]["wall_s"]
        floor = r["cfn_lint_floor_s"]
        cdk = r.get("cdk")
        cdk_cells = "— | — | —"
        if cdk:
            on, off = cdk["validate"]["wall_s"], cdk["novalidate"]["wall_s"]
            cdk_cells = (f"{on:.2f} s / {off:.2f} s | {on / cold:.1f}× / {off / cold:.1f}× | "
                         f"{on / r['one_changed']['wall_s']:.1f}×")
        linked = r["linked"]
        lines.append(f"| {count} | {r['templates_linted']} | {cold:.2f} s | {floor:.2f} s | {r['cold_over_floor']:.2f}× | "
                     f"{r['noop']['wall_s']:.2f} s | {r['one_changed']['wall_s']:.2f} s | {r['check']['wall_s']:.2f} s | "
                     f"{r['cold']['peak_rss_mib']:.0f} MiB | {linked['noop']['wall_s']:.2f} s / "
                     f"{linked['one_changed']['wall_s']:.2f} s | {cdk_cells} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cdk", action="store_true", help="skip the AWS CDK comparison")
    args = parser.parse_args()
    with_cdk = not args.no_cdk and cdk_available()
    started = time.perf_counter()
    report = {"machine": machine(), "repeat": args.repeat, "sizes": {}}
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"rolec-bench-{count}-") as folder:
            work = Path(folder)
            result = bench_rolec(count, args.repeat, work)
            result["linked"] = bench_linked(count, args.repeat, work / "linked")
            if with_cdk:
                result["cdk"] = bench_cdk(cdk_roles(work / "specs"), args.repeat, work)
            report["sizes"][count] = result
            print(f"{count:>5} specs: {json.dumps(result)}", flush=True)
    report["minutes"] = round((time.perf_counter() - started) / 60, 1)
    (HERE / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (HERE / "results.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
