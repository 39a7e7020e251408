r"""From trained runs to a run folder: the records, the summary and the files of one experiment.

The format is `mnist_scratch.runs`'s; what each experiment sums up is its own
(`mnist_scratch.train.experiments`). This module only hands one to the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path

from mnist_scratch import runs
from mnist_scratch.train.experiments import Experiment
from mnist_scratch.train.inputs import Prepared
from mnist_scratch.train.loop import RunResult


def record(run_id: str, result: RunResult) -> dict:
    """The ``runs[i]`` entry of ``metrics.json`` for one trained run."""
    return runs.run_record(
        run_id,
        config=asdict(result.config),
        full_batch=result.config.full_batch,
        steps_per_epoch=result.steps_per_epoch,
        history=result.history,
        final=result.final,
        train_time_s=result.train_time_s,
        wall_time_s=result.wall_time_s,
        parameters=sum(p.size for p in result.params.values()),
    )


def write(exp: Experiment, results: Mapping[str, RunResult], data: Prepared, out: Path, *,
          command: str, draw: Callable[[Path], object] | None = None) -> runs.Metrics:
    """Write ``out/<exp.name>/`` whole (files, then figures via ``draw``); read it back checked.

    ``results`` maps each run id of ``exp`` to its result, in the experiment's order.
    """
    records = [record(rid, res) for rid, res in results.items()]
    showcase = results[exp.showcase]
    browser = showcase.config.hidden <= runs.BROWSER_MAX_HIDDEN
    metrics = runs.metrics_document(
        experiment=exp.name,
        description=exp.description,
        command=command,
        data={"dataset": data.dataset, "files": data.files},
        showcase=exp.showcase,
        records=records,
        summary=exp.summarize(records),
        figures=list(exp.figures),
        browser=browser,
        snapshots=bool(showcase.snapshots),
        wall_time_s=sum(r.wall_time_s for r in results.values()),
    )
    dest = runs.write_experiment(
        out / exp.name,
        metrics,
        {rid: res.params for rid, res in results.items()},
        runs.predictions_arrays(showcase.test_probabilities, data.y_test, data.test_images),
        browser=runs.browser_weights(exp.name, exp.showcase, showcase.params,
                                     showcase.final["test_accuracy"]) if browser else None,
        snapshots=runs.snapshot_document(exp.name, exp.showcase, showcase.steps_per_epoch,
                                         showcase.snapshots) if showcase.snapshots else None,
        draw=draw,
    )
    return runs.read_metrics(dest)
