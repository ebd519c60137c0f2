"""ResultWriter: what a Distributed Map does with its child executions' results.

``WriterConfig.Transformation``:

* ``NONE``: each child execution as AWS describes it (``ExecutionArn``, ``Input`` and ``Output``
  as JSON text, ``Status``, dates...). The default when results go to S3.
* ``COMPACT``: each succeeded child's output. The default without a ResultWriter.
* ``FLATTEN``: as COMPACT, with array outputs spliced in.

Failed children are always written as in NONE. With ``Resource``
``arn:aws:states:::s3:putObject`` and ``Parameters`` ``{"Bucket", "Prefix"}`` the results go to
the mocked S3 service as AWS lays them out: ``PREFIX/MAP_RUN_ID/SUCCEEDED_0.json`` (and
``FAILED_0.json``, ``PENDING_0.json`` when there are such children) and a ``manifest.json``
listing them; ``OutputType`` ``JSONL`` writes one JSON value per line. The state's result is
then ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}``, the key naming the manifest.
With only a WriterConfig, the transformed results are the state's result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .jsontext import dumps
from .s3 import S3Objects

NONE, COMPACT, FLATTEN = "NONE", "COMPACT", "FLATTEN"


@dataclass(frozen=True, slots=True)
class ResultWriter:
    parameters: Callable | None = None   # None: no S3 destination
    transformation: str | None = None    # None: the default for the destination
    output_type: str = "JSON"

    def transform(self, entries: list[dict], outputs: list, default: str) -> tuple[list, list]:
        """``(succeeded, failed)`` results in this writer's Transformation."""
        how = self.transformation or default
        succeeded, failed = [], []
        for entry, output in zip(entries, outputs):
            if entry is None:
                continue
            if entry["Status"] != "SUCCEEDED":
                failed.append(entry)
            elif how == NONE:
                succeeded.append(entry)
            elif how == FLATTEN and type(output) is list:
                succeeded.extend(output)
            else:
                succeeded.append(output)
        return succeeded, failed

    def write(self, data: Any, scope: Any, s3: S3Objects, map_run_arn: str, entries: list[dict],
              outputs: list) -> Any:
        """Write the results; returns the state's result."""
        if self.parameters is None:
            succeeded, _ = self.transform(entries, outputs, COMPACT)
            return succeeded
        params = self.parameters(data, scope)
        params = params if isinstance(params, dict) else {}
        bucket, prefix = str(params.get("Bucket", "")), str(params.get("Prefix", ""))
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        base = prefix + map_run_arn.rsplit(":", 1)[-1] + "/"
        succeeded, failed = self.transform(entries, outputs, NONE)
        pending = [{} for entry in entries if entry is None]
        files: dict[str, list] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
        for status, results in (("SUCCEEDED", succeeded), ("FAILED", failed), ("PENDING", pending)):
            if not results:
                continue
            body = self.encode(results)
            key = f"{base}{status}_0.json"
            s3.put(bucket, key, body)
            files[status].append({"Key": key, "Size": len(body.encode("utf-8"))})
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
        s3.put(bucket, base + "manifest.json", dumps(manifest))
        return {"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": base + "manifest.json"}}

    def encode(self, results: list) -> str:
        if self.output_type == "JSONL":
            return "".join(dumps(value) + "\n" for value in results)
        return dumps(results)


def parse_writer(raw: Any, pointer: str, jsonata: bool = False) -> ResultWriter:
    from .jsonata_query import compile_either

    raw = raw if isinstance(raw, dict) else {}
    config = raw.get("WriterConfig") if isinstance(raw.get("WriterConfig"), dict) else {}
    key = "Arguments" if jsonata else "Parameters"
    template = raw.get(key)
    return ResultWriter(parameters=compile_either(template, key, f"{pointer}/{key}", jsonata)
                        if "Resource" in raw and template is not None else None,
                        transformation=config.get("Transformation"),
                        output_type=config.get("OutputType", "JSON"))
