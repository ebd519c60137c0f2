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
from typing import Any, Callable, Iterable, Iterator

from .jsontext import dumps
from .s3 import S3Objects

NONE, COMPACT, FLATTEN = "NONE", "COMPACT", "FLATTEN"


@dataclass(frozen=True, slots=True)
class ResultWriter:
    parameters: Callable | None = None   # None: no S3 destination
    transformation: str | None = None    # None: the default for the destination
    output_type: str = "JSON"

    def write(self, data: Any, scope: Any, s3: S3Objects, map_run_arn: str, children: list,
              entry: Callable[[Any], dict]) -> Any:
        """Write the results of ``children`` (the Map Run's, None for one never started; ``entry``
        describes one as NONE does); returns the state's result. Files are written as they are
        encoded, a child at a time: a million children's results never sit in memory as values."""
        if self.parameters is None:
            return list(self._succeeded(children, entry, self.transformation or COMPACT))
        params = self.parameters(data, scope)
        params = params if isinstance(params, dict) else {}
        bucket, prefix = str(params.get("Bucket", "")), str(params.get("Prefix", ""))
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        base = prefix + map_run_arn.rsplit(":", 1)[-1] + "/"
        how = self.transformation or NONE
        files: dict[str, list] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
        for status, results in (("SUCCEEDED", self._succeeded(children, entry, how)),
                                ("FAILED", (entry(c) for c in children if c is not None and c.status != "SUCCEEDED")),
                                ("PENDING", ({} for c in children if c is None))):
            key = f"{base}{status}_0.json"
            size = s3.put_chunks(bucket, key, self.encode_chunks(results))
            if size is not None:
                files[status].append({"Key": key, "Size": size})
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
        s3.put(bucket, base + "manifest.json", dumps(manifest))
        return {"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": base + "manifest.json"}}

    @staticmethod
    def _succeeded(children: list, entry: Callable[[Any], dict], how: str) -> Iterator:
        """The succeeded children's results in this Transformation (failed ones are always NONE)."""
        for child in children:
            if child is None or child.status != "SUCCEEDED":
                continue
            if how == NONE:
                yield entry(child)
                continue
            output = child.output
            if how == FLATTEN and type(output) is list:
                yield from output
            else:
                yield output

    def encode_chunks(self, results: Iterable) -> Iterator[str]:
        """The file's text in pieces (nothing when there are no results): a JSON array, or JSON
        Lines with ``OutputType`` JSONL."""
        lines = self.output_type == "JSONL"
        batch: list[str] = []
        first = True
        for value in results:
            text = dumps(value)
            if first:
                first = False
                batch.append(text if lines else "[" + text)
            else:
                batch.append(text if lines else "," + text)
            if len(batch) >= _CHUNK:
                yield ("\n".join(batch) + "\n") if lines else "".join(batch)
                batch = []
        if first:
            return
        if lines:
            yield ("\n".join(batch) + "\n") if batch else ""
        else:
            yield "".join(batch) + "]"

    def encode(self, results: list) -> str:
        return "".join(self.encode_chunks(results)) or ("" if self.output_type == "JSONL" else "[]")


_CHUNK = 1000  # values per piece of a results file


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
