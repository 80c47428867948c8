"""`telos run [HYDRA FLAGS] [KEY=VALUE ...]`: the bootstrap loop, a Hydra application.

The configs are packaged (`telos/conf/config.yaml`); Hydra's flags work as usual (`-m` sweeps,
`--cfg job [--resolve]`, `--help`, `--info`, `hydra/launcher=…`). Before Hydra sees the command
line, this front end

1. normalises the overrides: the published spellings `agent.policy.alpha`, `…alpha_schedule`,
   `…alpha_threshold`, `…alpha_warmup_steps` and `…total_iterations` are rewritten to the
   top-level keys they stand for (`ALIASES`), prefix (`+`, `++`, `~`) and value text kept, so
   either spelling sets both; the two spellings with different values are an error;
2. composes the config with Hydra's compose API and checks it: for a run or a sweep, every job
   (each combination of the sweep's values) is resolved and validated
   (`telos.learn.config.validate`: the values, the theory, the goal sets, the resume directory);
   `--cfg`, `--help` and `--info` only print, so their config is composed but not validated;
3. for `resume=RUN_DIR`, points Hydra at that directory (`hydra.run.dir=RUN_DIR`,
   `hydra.output_subdir=null`: Hydra adds no `.hydra` there; the loop reads the run's own
   saved config).

Any problem found there is one line on stderr (`telos run: error: …`) and exit status 2, and
nothing is written. Then Hydra runs the task function once per job: it calls
`telos.run.start(config, run_dir, composed)` and `telos run` exits with its status (for a sweep,
the largest of the jobs'). An unexpected exception in the loop is one line on stderr and exit
status 1, its traceback going to the run's log file; Ctrl-C is exit status 130.

Hydra's argument parser and basic sweeper are used as Hydra itself uses them (pinned to 1.3).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from telos.learn.config import ALIASES, ConfigError, theory_stem, validate
from telos.peano.errors import one_line

PROG = "telos run"
CONFIG_MODULE = "telos.conf"
CONFIG_NAME = "config"
JOB_NAME = "run"  # Hydra's job name (the log file is `run.log`): this file's stem
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"

_PREFIX = {OverrideType.CHANGE: "", OverrideType.ADD: "+", OverrideType.FORCE_ADD: "++",
           OverrideType.DEL: "~"}
_HELP = [  # `telos run --help`: Hydra's app help, telling what telos run is
    "hydra.help.app_name='telos run'",
    "hydra.help.header='telos run: the bootstrap loop (conjecture, prove, learn), steered toward "
    "a goal set; docs/loop.md.\n'",
    "hydra.help.template='${hydra.help.header}\n"
    "== Config ==\n"
    "Set any key below with KEY=VALUE (a sweep: telos run -m alpha=0,0.2,1). agent.policy.* are "
    "the published spellings of the top-level keys alpha, alpha_schedule, alpha_threshold, "
    "alpha_warmup_steps and iterations: either spelling sets both.\n\n"
    "$CONFIG\n${hydra.help.footer}'",
    "hydra.help.footer='Hydra flags (-m, --cfg job --resolve, --info, ...): telos run "
    "--hydra-help\n'",
]


class UsageError(Exception):
    """A command line `telos run` cannot use; the message is one line (exit status 2)."""


def main(argv: Sequence[str]) -> int:
    """`telos run ARGV`: the exit status."""
    try:
        hydra_argv = prepare(list(argv))
    except UsageError as e:
        print(f"{PROG}: error: {one_line(str(e))}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return _interrupted()
    except SystemExit as e:  # --version
        return _exit_code(e)
    except Exception as e:  # a bug, not bad input: still one line, no traceback
        print(f"{PROG}: error: internal error: {type(e).__name__}: {one_line(str(e))}",
              file=sys.stderr)
        return EXIT_FAILED
    return launch(hydra_argv)


def register_resolvers() -> None:
    """The resolvers the packaged config uses (idempotent)."""
    OmegaConf.register_new_resolver("telos_stem", theory_stem, replace=True)


# -- the command line: Hydra's flags, then the overrides, normalised ---------------------------


def prepare(argv: list[str]) -> list[str]:
    """The command line Hydra gets, once everything in `argv` has been checked; raises
    UsageError."""
    register_resolvers()
    args = parse_flags(argv)
    if args.experimental_rerun is not None:
        raise UsageError("--experimental-rerun is not supported: it loads a pickle, and telos "
                         "never executes code from a run's files")
    if args.config_path is not None:
        raise UsageError("--config-path is not supported: the configs are packaged with telos; "
                         "add a directory of your own with --config-dir")
    if args.resolve and args.cfg is None and not args.help:
        raise UsageError("--resolve can only be used with --cfg or --help")
    commands = (args.run + args.multirun + (args.cfg is not None) + args.shell_completion
                + (args.info is not None))
    if commands > 1:
        raise UsageError("only one of --run, --multirun, --cfg, --info and --shell-completion "
                         "can be given")
    search: list[str] = []
    if args.config_dir is not None:
        config_dir = os.path.abspath(args.config_dir)
        if not os.path.isdir(config_dir):
            raise UsageError(f"--config-dir {args.config_dir}: not a directory")
        search = [f"hydra.searchpath=[{quoted('file://' + config_dir)}]"]
    overrides = normalise_overrides(args.overrides)
    flags = flag_argv(args)
    if args.hydra_help or args.shell_completion:
        return flags + overrides
    config_name = args.config_name or CONFIG_NAME
    printing = args.help or args.cfg is not None or args.info is not None
    with composing():
        if printing:
            cfg = compose(config_name, overrides + search)
            if args.resolve:
                plain(cfg)
            return flags + overrides + (_HELP if args.help else [])
        if args.multirun:
            check_sweep(config_name, overrides, search)
            return flags + overrides
        config = validate(plain(compose(config_name, overrides + search)))
    extra = []
    if config.resume is not None:
        extra = [f"hydra.run.dir={quoted(config.resume)}", "hydra.output_subdir=null"]
    return flags + overrides + extra


def parse_flags(argv: list[str]) -> Any:
    """Hydra's own argument parser (flags and overrides may be intermixed)."""
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    parser.prog = PROG

    def error(message: str) -> None:
        raise UsageError(message)

    parser.error = error  # type: ignore[method-assign]
    return parser.parse_intermixed_args(argv)


def flag_argv(args: Any) -> list[str]:
    """The flags of `args` as Hydra's parser reads them back."""
    out = []
    for flag, dest in (("--help", "help"), ("--hydra-help", "hydra_help"),
                       ("--resolve", "resolve"), ("--run", "run"), ("--multirun", "multirun"),
                       ("--shell-completion", "shell_completion")):
        if getattr(args, dest):
            out.append(flag)
    for flag, dest in (("--cfg", "cfg"), ("--package", "package"), ("--info", "info"),
                       ("--config-name", "config_name"), ("--config-dir", "config_dir")):
        value = getattr(args, dest)
        if value is not None:
            out.append(f"{flag}={value}")
    return out


def parse_overrides(overrides: list[str]) -> list[Override]:
    try:
        return OverridesParser.create().parse_overrides(overrides)
    except HydraException as e:
        raise UsageError(hydra_message(e)) from None


def normalise_overrides(overrides: list[str]) -> list[str]:
    """`overrides` with each alias (`agent.policy.alpha`, …) rewritten to its canonical key,
    prefix and value text unchanged; raises UsageError when an alias and its key are both
    given with different values (a sweep's values included), or for a malformed override."""
    out = []
    given: dict[str, list[tuple[str, Override]]] = {}  # canonical key -> (spelling, override)
    for text, o in zip(overrides, parse_overrides(overrides), strict=True):
        key = o.key_or_group
        canonical = ALIASES.get(key, key) if o.package is None else key
        if canonical != key:
            value = "=" + o.get_value_string() if "=" in text else ""
            text = f"{_PREFIX[o.type]}{canonical}{value}"
        if canonical in ALIASES.values() and not o.is_delete():
            for spelling, other in given.get(canonical, []):
                if spelling != key and other.value() != o.value():
                    raise UsageError(f"{other.input_line} and {o.input_line} disagree: "
                                     f"{spelling} and {key} are the same key")
            given.setdefault(canonical, []).append((key, o))
        out.append(text)
    return out


# -- composing and validating before Hydra runs ------------------------------------------------


@contextmanager
def composing() -> Iterator[None]:
    """Hydra's compose API on the packaged configs; its errors (and validation's) become
    UsageError."""
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(CONFIG_MODULE, job_name=JOB_NAME, version_base=None):
            yield
    except ConfigError as e:
        raise UsageError(str(e)) from None
    except (HydraException, OmegaConfBaseException) as e:
        raise UsageError(hydra_message(e)) from None


def compose(config_name: str, overrides: list[str], hydra_node: bool = False) -> DictConfig:
    from hydra import compose as hydra_compose

    return hydra_compose(config_name, overrides=overrides, return_hydra_config=hydra_node)


def plain(cfg: DictConfig) -> dict:
    """The resolved config as plain data, without Hydra's own node."""
    data = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(data, dict)
    data.pop("hydra", None)
    return data


def check_sweep(config_name: str, overrides: list[str], search: list[str]) -> None:
    """Validate every job of a sweep (Hydra's basic sweeper: every combination of the values,
    after the config's `hydra.sweeper.params`); raises ConfigError or Hydra's errors."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    jobs = BasicSweeper.split_arguments(parse_overrides(overrides), None)[0]
    sweeper = compose(config_name, jobs[0] + search, hydra_node=True).hydra.sweeper
    if sweeper.get("_target_") != BASIC_SWEEPER:
        raise UsageError(f"hydra/sweeper: only Hydra's basic sweeper can be used (telos run "
                         f"checks every job of a sweep before it starts), not {sweeper._target_}")
    params = [f"{k}={v}" for k, v in (sweeper.get("params") or {}).items()]
    parsed = parse_overrides(params + overrides)
    swept = {o.get_key_element() for o in parsed if o.is_sweep_override()}
    jobs = BasicSweeper.split_arguments(parsed, None)[0]
    for job in jobs:
        try:
            config = validate(plain(compose(config_name, job + search)))
        except ConfigError as e:
            if len(jobs) == 1:
                raise
            values = " ".join(o for o in job if o.split("=", 1)[0] in swept)
            raise ConfigError(f"{e} (in the sweep's job {values})") from None
        if config.resume is not None:
            raise UsageError(f"resume={config.resume}: a run is resumed on its own, not in a "
                             "sweep (-m)")


def quoted(text: str) -> str:
    """`text` as a quoted override value that Hydra reads back unchanged."""
    body = re.sub(r"(\\*)'", lambda m: m.group(1) * 2 + "\\'", text)
    body = re.sub(r"(\\+)$", lambda m: m.group(1) * 2, body)
    value = f"'{body}'"
    if "${" in text or parse_overrides([f"k={value}"])[0].value() != text:
        raise UsageError(f"{text!r} cannot be given to Hydra as a directory")
    return value


def hydra_message(e: BaseException) -> str:
    """One line from Hydra's (or OmegaConf's) message: its lines joined, a listing of options
    kept, the search path and links to the docs left out."""
    parts: list[str] = []
    listing = False
    for raw in str(e).splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("Config search path", "See https://", "Set the environment",
                            "full_key:", "object_type=")):
            break
        if raw[:1].isspace() and parts and (listing or parts[-1].endswith(":")):
            parts[-1] += (", " if listing else " ") + line
            listing = True
        else:
            parts.append(line)
            listing = False
    cause = e.__cause__
    if isinstance(cause, OmegaConfBaseException) and str(cause).strip():
        parts.append(str(cause).strip().splitlines()[0])
    text = ""
    for part in parts:
        text += ("" if not text else " " if text.endswith((".", ":")) else "; ") + part
    return text or type(e).__name__


# -- running: Hydra's application --------------------------------------------------------------

_statuses: list[int] = []  # the exit status of each job run in this process


def launch(hydra_argv: list[str]) -> int:
    """Run the Hydra application on `hydra_argv` (already checked): the exit status."""
    from hydra.core.global_hydra import GlobalHydra

    _statuses.clear()
    saved = sys.argv
    sys.argv = [PROG, *hydra_argv]
    GlobalHydra.instance().clear()
    raising = logging.raiseExceptions
    logging.raiseExceptions = False  # `telos run --info | head`: no logging errors printed
    try:
        app()
    except KeyboardInterrupt:
        return _interrupted()
    except SystemExit as e:  # --help, or Hydra reporting an error of its own
        code = _exit_code(e)
        if code != EXIT_OK:
            return code
    finally:
        logging.raiseExceptions = raising
        sys.argv = saved
        GlobalHydra.instance().clear()
    return max(_statuses, default=EXIT_OK)


@hydra.main(version_base=None, config_path=f"pkg://{CONFIG_MODULE}", config_name=CONFIG_NAME)
def app(cfg: DictConfig) -> int:
    """Hydra's task function: one job of the loop."""
    status = run_job(cfg)
    _statuses.append(status)
    return status


def run_job(cfg: DictConfig) -> int:
    from hydra.core.hydra_config import HydraConfig

    run_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        composed = plain(cfg)
        config = validate(composed)
    except (ConfigError, OmegaConfBaseException) as e:
        print(f"{PROG}: error: {one_line(str(e).strip())}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        from telos.run import start

        status = start(config, run_dir, composed)
    except ConfigError as e:  # found only once the run starts (e.g. a resume's iterations)
        print(f"{PROG}: error: {one_line(str(e))}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as e:
        log = log_traceback(run_dir)
        print(f"{PROG}: error: {type(e).__name__}: {one_line(str(e))} (the traceback is in "
              f"{_shown(log)})", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if status is None else int(status)


def log_traceback(run_dir: Path) -> Path:
    """Log the exception being handled to the run's log file (Hydra's file handler; `run.log`
    in the run directory when there is none), not to the terminal; that file's path."""
    record = logging.LogRecord("telos.run", logging.ERROR, __file__, 0,
                               "the run stopped on an unexpected error", None, sys.exc_info())
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]
    if handlers:
        for handler in handlers:
            handler.handle(record)
        return Path(handlers[0].baseFilename)
    path = run_dir / f"{JOB_NAME}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"))
    try:
        handler.handle(record)
    finally:
        handler.close()
    return path


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _interrupted() -> int:
    print(f"{PROG}: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _exit_code(e: SystemExit) -> int:
    if e.code is None:
        return EXIT_OK
    if isinstance(e.code, int):
        return e.code
    print(f"{PROG}: error: {one_line(str(e.code))}", file=sys.stderr)
    return EXIT_FAILED
