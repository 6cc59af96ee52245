#!/usr/bin/env python3
"""Mutation testing of the codec's tests: does any test fail when the code is changed?

cargo-mutants lists the mutants (`cargo install cargo-mutants`); this script runs them itself,
because cargo-mutants runs only the tests of the mutated package, and the codec's strongest tests
(the vectors) are in another one (brasa-conformance). For each mutant it applies the diff in a git
worktree of HEAD (its own target directory, so builds stay incremental), builds, runs the tests,
and records one line of JSON: caught, survived, timeout or unviable (does not build). A timeout
kills the whole process group (`timeout` makes one), test binaries included. It resumes: mutants
already in the output are skipped.

    python3 fuzz/mutants.py protocol/src/render_batch/reader.rs protocol/src/render_batch/writer.rs

Then read the survivors: `grep survived target/mutants/results.jsonl`; after adding tests, run
just those again with `--names FILE` (one mutant name per line) and another `--out`. Run from the workspace root
with BRASA_REFERENCE pointing at shared/reference. fuzz/README.md ("Mutation testing") has the
results and how to read them.
"""

import argparse
import json
import os
import subprocess
import sys

# The codec's tests: unit tests, the vectors, the recorded batches, the reader's field and limit
# tests, the snapshots, the spec's worked example, the fuzz bodies on their corpus (which walk
# every accepted view), and the command line's tests (the published JSON Schemas, RB-6.1); and the
# conformance runner's: its judging of wrong vectors and its semantic vectors' schema. Not the
# proptest properties, the allocation counter or the Node peers: slow in a debug build, and not
# where the codec's checks are tested.
TESTS = [
    "cargo", "test", "-q", "-p", "brasa-protocol", "-p", "brasa-conformance", "-p", "brasa-fuzz",
    "-p", "brasa", "--lib", "--test", "vectors", "--test", "recorded_batches", "--test", "limits",
    "--test", "fields", "--test", "snapshots", "--test", "spec_example", "--test", "corpus",
    "--test", "cli", "--test", "runner_judges", "--test", "semantics_vectors_up_to_date",
]


def run(cmd, cwd, env, seconds):
    """The command's exit status; None if it ran out of time (its process group is killed)."""
    status = subprocess.run(["timeout", "-s", "KILL", str(seconds)] + cmd, cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return None if status in (124, 137, -9) else status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="source files to mutate, from the workspace root")
    parser.add_argument("--out", default="target/mutants/results.jsonl")
    parser.add_argument("--worktree", default="target/mutants/tree")
    parser.add_argument("--timeout", type=int, default=120, help="seconds for the tests of one mutant")
    parser.add_argument("--function", help="only mutants in functions whose name contains this")
    parser.add_argument("--names", help="only the mutants named in this file (one per line), e.g. "
                        "the survivors of an earlier run, to run again after new tests")
    args = parser.parse_args()
    root = os.getcwd()
    if "BRASA_REFERENCE" not in os.environ:
        sys.exit("set BRASA_REFERENCE to shared/reference")

    mutants = []
    for file in args.files:
        listed = subprocess.run(["cargo", "mutants", "--list", "--json", "--file", file],
                                capture_output=True, text=True, check=True).stdout
        mutants += json.loads(listed)
    if args.function:
        mutants = [m for m in mutants if args.function in (m.get("function") or {}).get("function_name", "")]

    if args.names:
        with open(args.names) as f:
            wanted = {line.strip() for line in f if line.strip()}
        mutants = [m for m in mutants if m["name"] in wanted]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {json.loads(line)["name"] for line in f}
    # The mutants are listed from the working tree and applied to a worktree of HEAD: the files
    # must not differ, or the line numbers would not match.
    changed = subprocess.run(["git", "status", "--porcelain", "--"] + args.files, capture_output=True,
                             text=True, check=True).stdout
    if changed:
        sys.exit(f"commit or stash the changes to the files first:\n{changed}")
    tree = os.path.join(root, args.worktree)
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    if not os.path.isdir(tree):
        subprocess.run(["git", "worktree", "add", "--detach", "-f", tree, head], check=True)
    subprocess.run(["git", "checkout", "-q", "--detach", head], cwd=tree, check=True)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(root, "target/mutants/target"))

    todo = [m for m in mutants if m["name"] not in done]
    print(f"{len(mutants)} mutants, {len(todo)} to run", flush=True)
    with open(args.out, "a") as out:
        for n, m in enumerate(todo, 1):
            subprocess.run(["git", "checkout", "-q", "--", "."], cwd=tree, check=True)
            patched = subprocess.run(["patch", "-s", m["file"]], input=m["diff"], text=True, cwd=tree,
                                     capture_output=True)
            if patched.returncode != 0:
                result = "not applied"
            elif run(TESTS + ["--no-run"], tree, env, 600) != 0:
                result = "unviable"
            else:
                status = run(TESTS, tree, env, args.timeout)
                result = "timeout" if status is None else ("survived" if status == 0 else "caught")
            out.write(json.dumps({"name": m["name"], "result": result}) + "\n")
            out.flush()
            print(f"[{n}/{len(todo)}] {result}: {m['name']}", flush=True)
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=tree, check=True)


if __name__ == "__main__":
    main()
