"""Run a GitHub Actions job's own `run:` steps, in order, as the runner would.

Enough of the runner for our workflows, offline: `uses:` steps are skipped
(the test does the checkout itself), `if:` is honoured with the status
functions, `${{ }}` expressions are evaluated in env, with and run (github,
inputs, vars, env, steps contexts), steps' outputs come from GITHUB_OUTPUT
and the summary page from GITHUB_STEP_SUMMARY. Expressions are parsed by a
small tokenizer for the operators GitHub documents (`==`, `!=`, `&&`, `||`,
`!`, parentheses) and evaluated without Python builtins.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\)|,)|(?P<num>\d+(?:\.\d+)?)"
                    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))")
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
STATUS_FUNCTIONS = ("always", "success", "failure", "cancelled")


@dataclass
class StepResult:
    name: str
    ran: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobResult:
    steps: list[StepResult]
    failed: bool
    summary: str

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    @property
    def annotations(self) -> list[str]:
        return [line for s in self.steps for line in (s.stdout + s.stderr).splitlines() if line.startswith("::")]

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.name} (ran: {s.ran}, {s.returncode})\n{s.stdout}{s.stderr}" for s in self.steps)


def as_text(value: Any) -> str:
    """How GitHub turns an expression's value into a string."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


class Expressions:
    def __init__(self, contexts: dict[str, Any], failed: bool):
        self.contexts = contexts
        self.failed = failed

    def _get(self, dotted: str) -> Any:
        value: Any = self.contexts
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def evaluate(self, expr: str) -> Any:
        python, pos, tokens = [], 0, list(_TOKEN.finditer(expr))
        for i, m in enumerate(tokens):
            if m.start() != pos:
                raise ValueError(f"cannot parse expression {expr!r} at {pos}")
            pos = m.end()
            if m["str"]:
                python.append(repr(m["str"][1:-1].replace("''", "'")))
            elif m["op"]:
                python.append({"&&": " and ", "||": " or ", "!": " not "}.get(m["op"], m["op"]))
            elif m["num"]:
                python.append(m["num"])
            else:
                name = m["name"]
                calls = i + 1 < len(tokens) and tokens[i + 1]["op"] == "("
                if calls:
                    if name not in STATUS_FUNCTIONS:
                        raise ValueError(f"function {name}() is not supported here")
                    python.append(f"_{name}")
                elif name in ("true", "false", "null"):
                    python.append({"true": "True", "false": "False", "null": "None"}[name])
                else:
                    python.append(f"_get({name!r})")
        if expr[pos:].strip():
            raise ValueError(f"cannot parse expression {expr!r} at {pos}")
        scope = {"_get": self._get, "_always": lambda: True, "_success": lambda: not self.failed,
                 "_failure": lambda: self.failed, "_cancelled": lambda: False}
        # Only the tokens above reach eval, with no builtins: names become _get() lookups.
        return eval("".join(python), {"__builtins__": {}}, scope)

    def interpolate(self, text: str) -> str:
        return _EXPR.sub(lambda m: as_text(self.evaluate(m.group(1))), text)

    def condition(self, text: str | bool | None) -> bool:
        if text is None:
            text = "success()"
        if isinstance(text, bool):
            return text
        inner = _EXPR.fullmatch(text.strip())
        expr = inner.group(1) if inner else text
        if not any(re.search(rf"\b{f}\s*\(", expr) for f in STATUS_FUNCTIONS):
            expr = f"success() && ({expr})"
        return bool(self.evaluate(expr))


def run_job(workflow: dict[str, Any], job: str, workspace: Path, *, event: str, inputs: dict[str, Any] | None = None,
            variables: dict[str, str] | None = None, environ: dict[str, str], temp: Path) -> JobResult:
    """The job's steps, in order, in `workspace`; `environ` is the runner's own environment."""
    spec = workflow["jobs"][job]
    temp.mkdir(parents=True, exist_ok=True)
    contexts: dict[str, Any] = {
        "github": {"event_name": event, "run_number": "1", "run_id": "1", "workspace": str(workspace)},
        "inputs": inputs or {}, "vars": variables or {}, "steps": {}, "env": {}}
    failed = False
    exprs = Expressions(contexts, failed)
    env: dict[str, str] = {}
    for scope in (workflow.get("env") or {}, spec.get("env") or {}):
        for key, value in scope.items():
            env[key] = exprs.interpolate(as_text(value))
            contexts["env"] = dict(env)
    results: list[StepResult] = []
    summary: list[str] = []
    for n, step in enumerate(spec["steps"]):
        name = step.get("name") or step.get("uses") or f"step {n}"
        exprs = Expressions(contexts, failed)
        if "uses" in step or not exprs.condition(step.get("if")):
            results.append(StepResult(name, ran=False))
            continue
        files = {k: temp / f"{k.lower()}-{n}" for k in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.write_text("")
        step_env = dict(env)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = exprs.interpolate(as_text(value))
        contexts["env"] = step_env
        script = temp / f"step-{n}.sh"
        script.write_text(Expressions(contexts, failed).interpolate(step["run"]))
        proc = subprocess.run(["bash", "-e", str(script)], cwd=workspace, capture_output=True, text=True,
                              env={**environ, **step_env, **{k: str(v) for k, v in files.items()},
                                   "GITHUB_WORKSPACE": str(workspace), "GITHUB_EVENT_NAME": event,
                                   "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_TEMP": str(temp)})
        contexts["env"] = dict(env)
        outputs = dict(line.split("=", 1) for line in files["GITHUB_OUTPUT"].read_text().splitlines() if "=" in line)
        for line in files["GITHUB_ENV"].read_text().splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                env[key] = value
        summary.append(files["GITHUB_STEP_SUMMARY"].read_text())
        outcome = "success" if proc.returncode == 0 else "failure"
        if "id" in step:
            contexts["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome}
        failed = failed or proc.returncode != 0
        results.append(StepResult(name, True, proc.returncode, proc.stdout, proc.stderr, outputs))
    return JobResult(results, failed, "".join(summary))


def clean_environ(home: Path, path_first: Path) -> dict[str, str]:
    """A runner's environment: this machine's PATH after `path_first`, a home of its own."""
    return {"PATH": f"{path_first}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home),
            "LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1"}
