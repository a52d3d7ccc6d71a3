"""Runs the conformance suite under wasmtime: every case of ../shared/conformance and of
test/fixtures/cases*/ on each engine build through the ABI, and through each WASI command build.

For an engine build, each case runs in a store whose memory is capped at exactly the pages the
model needs (tq_memory_bytes, as `tinyq inspect` reports it), and must fail with OUT_OF_MEMORY,
not a trap, with any fewer pages. Every output byte must equal the golden.

    python3 runtime/wasmtime/conformance.py [--json] [--engine FILE]... [--wasi FILE]... [CASE_ROOT]...

--runner runs the WASI builds through another runtime's command line instead (from /, with
absolute paths), e.g. --wasi-only --runner 'iwasm --dir=/ {wasm}' or --runner 'wasm3 {wasm}'.

Prints one line per failure and a summary; --json prints the summary as one JSON object.
Exit code 0 when every case passed, 1 otherwise.
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the kit
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tinyq_wasmtime import Engine, TinyqError, pages_for, run_wasi_command  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ENGINE_BUILDS = [REPO / "build" / "tinyq.wasm", REPO / "build" / "tinyq-simd.wasm"]
WASI_BUILDS = [REPO / "build" / "tinyq-wasi.wasm", REPO / "build" / "tinyq-wasi-simd.wasm"]


def default_roots():
    fixtures = REPO / "test" / "fixtures"
    return [REPO.parent / "shared" / "conformance", *sorted(p for p in fixtures.glob("cases*") if p.is_dir())]


def list_cases(roots):
    cases = []
    for root in roots:
        if root.is_dir():
            cases += [(d, json.loads((d / "case.json").read_text())) for d in sorted(root.iterdir()) if (d / "case.json").is_file()]
    return cases


def output_mismatch(sample, k, j, actual, case_dir):
    expected = (case_dir / sample["outputs"][j]).read_bytes()
    if actual == expected:
        return None
    differing = sum(a != b for a, b in zip(actual, expected)) + abs(len(actual) - len(expected))
    return f"sample {k} output {j}: {differing} of {len(expected)} bytes differ"


def run_engine_case(build, case_dir, spec):
    """Runs a case within exactly its memory pages; returns (failure or None, facts)."""
    model = (case_dir / "model.tflite").read_bytes()
    probe = Engine(build)
    probe.load(model)
    needed = probe.memory_bytes
    pages = pages_for(needed)
    engine = Engine(build, memory_pages=pages)
    engine.load(model)
    fuel = 0
    for k, sample in enumerate(spec["samples"]):
        for i, file in enumerate(sample["inputs"]):
            engine.set_input(i, (case_dir / file).read_bytes())
        fuel += engine.invoke()
        for j in range(len(sample["outputs"])):
            mismatch = output_mismatch(sample, k, j, engine.output(j), case_dir)
            if mismatch:
                return mismatch, None
    facts = {"memory_bytes": needed, "pages": pages, "model_bytes": len(model), "arena_bytes": engine.arena_bytes, "fuel": fuel}
    # Any fewer pages: the engine must refuse the model cleanly (a module cannot start below its one initial page).
    for smaller in range(1, pages):
        try:
            Engine(build, memory_pages=smaller).load(model)
            return f"loaded within {smaller} pages although it needs {needed} bytes", None
        except TinyqError as error:
            if error.code != "OUT_OF_MEMORY":
                return f"with {smaller} pages: {error}", None
    facts["smaller_limits_refused"] = pages - 1
    return None, facts


def run_wasi_case(build, case_dir, spec, scratch, runner=None):
    """Runs a case through the WASI command, under wasmtime or `runner`; returns a failure or None."""
    out = scratch / build.stem / case_dir.name
    out.mkdir(parents=True, exist_ok=True)  # before the run: wasm3's WASI cannot create it
    if runner:
        case_dir = case_dir.resolve()  # sandboxes refuse absolute symlinks on the way, like ../shared
        inputs = [str(case_dir / file) for sample in spec["samples"] for file in sample["inputs"]]
        args = ["run", str(case_dir / "model.tflite"), "--input", *inputs, "--output-dir", str(out)]
        done = subprocess.run([*shlex.split(runner.format(wasm=build.resolve())), *args], cwd="/", capture_output=True, text=True)
        status, stderr = done.returncode, done.stderr
    else:
        inputs = [f"/case/{file}" for sample in spec["samples"] for file in sample["inputs"]]
        args = ["run", "/case/model.tflite", "--input", *inputs, "--output-dir", "/out"]
        status = run_wasi_command(build, args, {"/case": case_dir, "/out": out}, scratch / "stdout", scratch / "stderr")
        stderr = (scratch / "stderr").read_text()
    if status != 0:
        return f"exit code {status}: {stderr.strip()}"
    several = len(spec["samples"]) > 1
    for k, sample in enumerate(spec["samples"]):
        for j in range(len(sample["outputs"])):
            written = out / (f"s{k}_out{j}.bin" if several else f"out{j}.bin")
            if not written.is_file():
                return f"sample {k} output {j}: {written.name} was not written"
            mismatch = output_mismatch(sample, k, j, written.read_bytes(), case_dir)
            if mismatch:
                return mismatch
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, help="case folders' parents (default: ../shared/conformance, test/fixtures/cases*)")
    parser.add_argument("--engine", action="append", type=Path, help="engine build (default: build/tinyq.wasm and build/tinyq-simd.wasm)")
    parser.add_argument("--wasi", action="append", type=Path, help="WASI command build (default: build/tinyq-wasi*.wasm)")
    parser.add_argument("--runner", help="run the WASI builds with this command line; {wasm} is the build")
    parser.add_argument("--wasi-only", action="store_true", help="skip the engine builds")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    options = parser.parse_args()
    cases = list_cases(options.roots or default_roots())
    summary = {"cases": len(cases), "engine": {}, "wasi": {}, "models": {}}
    failures = []

    for build in [] if options.wasi_only else options.engine or ENGINE_BUILDS:
        result = summary["engine"][build.name] = {"passed": 0, "failed": 0, "smaller_limits_refused": 0}
        for case_dir, spec in cases:
            try:
                failure, facts = run_engine_case(build, case_dir, spec)
            except TinyqError as error:
                failure, facts = str(error), None
            if failure:
                result["failed"] += 1
                failures.append(f"{build.name} {spec['name']}: {failure}")
                continue
            result["passed"] += 1
            result["smaller_limits_refused"] += facts.pop("smaller_limits_refused")
            if "macs" in spec:  # the published models: their memory and fuel for the summary
                summary["models"].setdefault(spec["name"], {})[build.name] = facts

    with tempfile.TemporaryDirectory(prefix="tinyq-wasmtime-") as scratch:
        for build in options.wasi or WASI_BUILDS:
            result = summary["wasi"][build.name] = {"passed": 0, "failed": 0}
            for case_dir, spec in cases:
                failure = run_wasi_case(build, case_dir, spec, Path(scratch), options.runner)
                result["passed" if failure is None else "failed"] += 1
                if failure:
                    failures.append(f"{build.name} {spec['name']}: {failure}")

    for failure in failures:
        print(failure, file=sys.stderr)
    if options.json:
        print(json.dumps(summary))
    else:
        for kind in ("engine", "wasi"):
            for name, result in summary[kind].items():
                print(f"{name}: {result['passed']} of {len(cases)} cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
