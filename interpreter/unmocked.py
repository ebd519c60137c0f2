"""What a Task nobody mocked answers, so that any workflow can be simulated without writing JSON.

A simulation chooses one mode for every Task that has no mocked response (explicit mocks and
handlers always come first):

* ``fail`` — AWS Step Functions Local's behaviour and the default: the run stops with
  ``States.Runtime`` naming the Task.
* ``return_input`` — the Task answers with its effective input (after Parameters or Arguments),
  shaped as the service would answer where the shape is well known: ``lambda:invoke`` gives
  ``{"ExecutedVersion", "Payload", "StatusCode"}`` with the request's Payload; a ``.sync`` job
  comes back finished (a Glue ``JobRunState`` of ``SUCCEEDED``, an ECS task ``STOPPED`` with exit
  code 0, a child execution ``SUCCEEDED``...); an activity's simulated worker returns its input.
* ``empty`` — the Task answers ``{}``.
* ``ask`` — the Task waits for a person as a ``.waitForTaskToken`` Task does; they answer it with
  SendTaskSuccess or SendTaskFailure (the callback panel).

A ``.waitForTaskToken`` Task waits for its callback in every mode: a person (or the callback
panel) is what it stands for.
"""
from __future__ import annotations

import hashlib
from typing import Any

from .jsontext import dumps

FAIL, RETURN_INPUT, EMPTY, ASK = "fail", "return_input", "empty", "ask"
MODES = (FAIL, RETURN_INPUT, EMPTY, ASK)
DESCRIPTIONS = {
    FAIL: "stop the run with States.Runtime (every Task must be mocked)",
    RETURN_INPUT: "the Task returns its input (a .sync job comes back finished)",
    EMPTY: "the Task returns {}",
    ASK: "the Task waits for someone to answer it, like a callback",
}


def parse_mode(text: Any) -> str:
    """A mode from its name as the CLI or the API writes it (``return-input`` or ``return_input``)."""
    mode = str(text or FAIL).strip().lower().replace("-", "_")
    if mode not in MODES:
        raise ValueError(f"'{text}' is not a way to answer unmocked Tasks: use one of "
                         f"{', '.join(m.replace('_', '-') for m in MODES)}.")
    return mode


def _id(*parts: Any) -> str:
    """A stable identifier for a simulated job, from what it was started with."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:12]


def _finished_job(service: str, action: str, params: dict, arn: str) -> dict:
    """The description a ``.sync`` integration returns once its job has finished well."""
    name = next((str(params[k]) for k in ("JobName", "Name", "TrainingJobName", "TransformJobName",
                                          "ProjectName", "JobDefinition") if k in params), "job")
    run = _id(service, action, name)
    if service == "glue":
        return {**params, "Id": f"jr_{run}", "JobRunState": "SUCCEEDED", "Attempt": 0, "ExecutionTime": 1}
    if service == "batch":
        return {**params, "JobId": run, "JobArn": f"arn:aws:batch:us-east-1:123456789012:job/{run}",
                "Status": "SUCCEEDED", "StatusReason": "Essential container in task exited"}
    if service == "ecs":
        return {"Tasks": [{"TaskArn": f"arn:aws:ecs:us-east-1:123456789012:task/{run}", "LastStatus": "STOPPED",
                           "DesiredStatus": "STOPPED", "StopCode": "EssentialContainerExited",
                           "Containers": [{"Name": "main", "ExitCode": 0, "LastStatus": "STOPPED"}],
                           "Overrides": params.get("Overrides", {})}], "Failures": []}
    if service == "states":
        output = params.get("Input", {})
        return {"ExecutionArn": f"arn:aws:states:us-east-1:123456789012:execution:child:{run}",
                "Input": output, "Output": output, "Status": "SUCCEEDED", "Name": run,
                "StateMachineArn": params.get("StateMachineArn", "")}
    if service == "codebuild":
        return {"Build": {**params, "Id": f"{name}:{run}", "BuildStatus": "SUCCEEDED", "CurrentPhase": "COMPLETED"}}
    if service == "athena":
        return {"QueryExecution": {**params, "QueryExecutionId": run, "Status": {"State": "SUCCEEDED"}}}
    if service == "sagemaker":
        word = {"createTrainingJob": "TrainingJob", "createTransformJob": "TransformJob",
                "createProcessingJob": "ProcessingJob", "createHyperParameterTuningJob": "HyperParameterTuningJob",
                "createLabelingJob": "LabelingJob"}.get(action, "Job")
        out = {**params, f"{word}Status": "Completed", f"{word}Arn": f"arn:aws:sagemaker:us-east-1:123456789012:"
                                                                     f"{word.lower()}/{name}"}
        if word == "TrainingJob":
            out["ModelArtifacts"] = {"S3ModelArtifacts": f"s3://simulated/{name}/output/model.tar.gz"}
        return out
    if service == "elasticmapreduce" or service == "emr-serverless" or service == "emr-containers":
        return {**params, "ClusterId": f"j-{run.upper()}", "StepId": f"s-{run.upper()}", "JobRunId": run,
                "Status": {"State": "COMPLETED" if "Step" in action or "Job" in action else "TERMINATED"}}
    if service == "mediaconvert":
        return {"Job": {**params, "Id": run, "Status": "COMPLETE"}}
    if service == "databrew":
        return {**params, "RunId": run, "State": "SUCCEEDED"}
    if service == "eks":
        return {**params, "status": {"succeeded": 1}}
    return {**params, "Status": "SUCCEEDED"}


def merged(answer: Any, shape: Any) -> Any:
    """``answer`` with the fields of ``shape`` put in (shape's values win; objects merge)."""
    if isinstance(shape, dict) and isinstance(answer, dict):
        out = dict(answer)
        for key, value in shape.items():
            out[key] = merged(out.get(key), value)
        return out
    if isinstance(shape, list) and isinstance(answer, list) and answer:
        return [merged(a, s) for a, s in zip(answer, shape)] + answer[len(shape):] if len(answer) >= len(shape) \
            else [merged(answer[i] if i < len(answer) else None, s) for i, s in enumerate(shape)]
    return shape


def answer(mode: str, resource: Any, params: Any, shape: Any = None) -> dict | None:
    """The answer an unmocked Task gets in ``mode`` (None in ``fail``: the run stops).
    ``resource`` is the Task's :class:`interpreter.services.Resource`; ``shape``, in
    ``return_input``, the fields the workflow reads from this Task's answer, with values
    (``interpreter.proposal.answer_shapes``), put into the answer."""
    out = _answer(mode, resource, params)
    if shape is not None and out is not None and "Return" in out:
        out["Return"] = merged(out["Return"], shape)
    return out


def _answer(mode: str, resource: Any, params: Any) -> dict | None:
    if mode == FAIL:
        return None
    if mode == ASK:
        return {"Callback": True}
    if mode == EMPTY:
        return {"Return": {}}
    if resource.kind == "integration":
        action = resource.resource.split(".", 1)[0]
        service = resource.resource_type
        if resource.pattern == "sync":
            job = _finished_job(service, action, params if isinstance(params, dict) else {}, resource.arn)
            if service == "states" and not resource.resource.endswith(":2"):
                # startExecution.sync (not :2) returns the child's input and output as JSON text
                job["Output"], job["Input"] = dumps(job["Output"]), dumps(job["Input"])
            return {"Return": job, "submitted": {k: v for k, v in job.items() if k != "Output"}}
        if service == "lambda" and action == "invoke":
            payload = params.get("Payload", {}) if isinstance(params, dict) else {}
            return {"Return": {"ExecutedVersion": "$LATEST", "Payload": payload, "StatusCode": 200}}
    return {"Return": params}
