"""ItemReader formats and rules, from AWS's developer guide and the recorded executions."""
import json

import pytest

from interpreter.item_reader import ItemReaderFailed, parse_csv, parse_json, parse_jsonl
from tests.interpreter.asl_helpers import START
from tests.interpreter.distributed_helpers import dmap, run

CSV_BODY = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"


def reader(config, resource="arn:aws:states:::s3:getObject", **params):
    out = {"Resource": resource, "Parameters": params or {"Bucket.$": "$.Bucket", "Key.$": "$.Key"}}
    if config is not None:
        out["ReaderConfig"] = config
    return {"ItemReader": out}


# --- CSV ---------------------------------------------------------------------------------

def test_csv_first_row_headers_every_value_a_string():
    assert parse_csv("a,b\n1,true\n") == [{"a": "1", "b": "true"}]


def test_csv_extra_fields_are_dropped_and_missing_ones_empty():
    # recorded: test_map_item_reader_csv_first_row_extra_fields
    items = parse_csv("H1,\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n")
    assert items == [{"H1": "Value4", "": "Value5"}, {"H1": "", "": ""}, {"H1": "true", "": "1"},
                     {"H1": "Null", "": "None"}, {"H1": "   ", "": ""}]


def test_csv_given_headers_read_the_first_row_as_data():
    items = parse_csv(CSV_BODY, headers=("H1",))
    assert [i["H1"] for i in items] == ["Value1", "Value4", "", "true", "Null", "   "]


@pytest.mark.parametrize("headers", [("H1", "H1", "H3"), None])
def test_csv_duplicate_headers_fail(headers):
    with pytest.raises(ItemReaderFailed) as e:
        parse_csv("H1,H1\n1,2\n" if headers is None else CSV_BODY, headers=headers)
    assert (e.value.name, e.value.cause) == ("States.ItemReaderFailed", "CSV headers cannot contain duplicates.")


def test_csv_empty_lines_hold_no_row_and_quotes_keep_delimiters():
    assert parse_csv('a,b\n\n1,"x,y"\n\n') == [{"a": "1", "b": "x,y"}]


@pytest.mark.parametrize("name, char", [("PIPE", "|"), ("SEMICOLON", ";"), ("SPACE", " "), ("TAB", "\t"),
                                        ("COMMA", ",")])
def test_csv_delimiters(name, char):
    body = f"a{char}b\n1{char}2\n"
    ex = run(dmap(reader({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": name})),
             {"Bucket": "b", "Key": "k.csv"}, s3={"b/k.csv": body})
    assert ex.result() == {"status": "SUCCEEDED", "output": [{"a": "1", "b": "2"}]}


def test_csv_typed_looking_headers_stay_text():
    assert parse_csv("0,True,{}\nx,y,z\n") == [{"0": "x", "True": "y", "{}": "z"}]


# --- JSON and JSONL ------------------------------------------------------------------------

def test_json_must_be_an_array():
    assert parse_json("[1, {\"a\": 2}]") == [1, {"a": 2}]
    with pytest.raises(ItemReaderFailed) as e:
        parse_json('{"Hello": "world"}')
    assert e.value.cause == "Attempting to map over non-iterable node."


def test_json_items_pointer_picks_the_array():
    assert parse_json('{"data": {"rows": [1, 2]}}', "/data/rows") == [1, 2]


def test_jsonl_one_value_per_non_empty_line():
    assert parse_jsonl('{"a":1}\n\n[2]\n"x"\n') == [{"a": 1}, [2], "x"]
    with pytest.raises(ItemReaderFailed):
        parse_jsonl("{not json}\n")


def test_non_array_json_object_fails_the_map_run_with_aws_events():
    ex = run(dmap(reader({"InputType": "JSON"})), {"Bucket": "b", "Key": "f.json"},
             s3={"f.json": {"Hello": "world"}})
    assert ex.result()["error"] == "States.ItemReaderFailed"
    assert [e.type for e in ex.events] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                                           "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    failed = next(e for e in ex.events if e.type == "MapRunFailed")
    assert failed.details == {"error": "States.ItemReaderFailed", "cause": "Attempting to map over non-iterable node."}


def test_missing_object_fails_with_item_reader_failed():
    ex = run(dmap(reader({"InputType": "JSON"})), {"Bucket": "b", "Key": "absent.json"})
    assert ex.result()["error"] == "States.ItemReaderFailed"
    assert "NoSuchKey" in ex.result()["cause"]


# --- MaxItems --------------------------------------------------------------------------------

@pytest.mark.parametrize("max_items, expected", [(0, 4), (2, 2), (100_000_000, 4)])
def test_max_items_keeps_the_first_n_and_zero_means_all(max_items, expected):
    body = "Col1,Col2\nValue1,Value2\nValue3,Value4\nValue5,Value6\nValue7,Value8\n"
    ex = run(dmap(reader({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": max_items})),
             {"Bucket": "b", "Key": "file.csv"}, s3={"file.csv": body})
    assert len(ex.output) == expected and ex.output[0] == {"Col1": "Value1", "Col2": "Value2"}


def test_max_items_path_and_its_errors():
    definition = dmap(reader({"InputType": "JSON", "MaxItemsPath": "$.n"}))
    s3 = {"f.json": [1, 2, 3]}
    assert run(definition, {"Bucket": "b", "Key": "f.json", "n": 1}, s3=s3).output == [1]
    bad = run(definition, {"Bucket": "b", "Key": "f.json", "n": 1.5}, s3=s3).result()
    assert bad == {"status": "FAILED", "error": "States.ItemReaderFailed",
                   "cause": "The MaxItemsPath field refers to value '1.5' which is not a valid integer: $.n"}
    negative = run(definition, {"Bucket": "b", "Key": "f.json", "n": -1}, s3=s3).result()
    assert negative["cause"] == "field MaxItems must be positive"


# --- listObjectsV2 and manifests ----------------------------------------------------------------

def test_list_objects_v2_describes_each_object_in_key_order():
    s3 = {"bucket/in/b.txt": "1HelloWorld!", "bucket/in/a.txt": "0HelloWorld!", "bucket/out/c.txt": "x"}
    ex = run(dmap(reader(None, "arn:aws:states:::s3:listObjectsV2", Bucket="bucket", Prefix="in/")), {}, s3=s3)
    keys = [item["Key"] for item in ex.output]
    assert keys == ["in/a.txt", "in/b.txt"]
    first = ex.output[0]
    assert set(first) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    assert first["Size"] == 12 and first["Etag"].startswith('"') and first["StorageClass"] == "STANDARD"


def test_s3_inventory_manifest_reads_its_csv_files():
    manifest = {"sourceBucket": "data", "destinationBucket": "arn:aws:s3:::inventory", "fileFormat": "CSV",
                "fileSchema": "Bucket, Key, Size", "files": [{"key": "inv/data/1.csv"}, {"key": "inv/data/2.csv"}]}
    s3 = {"inventory/inv/manifest.json": manifest, "inventory/inv/data/1.csv": "data,a.txt,10\n",
          "inventory/inv/data/2.csv": "data,b.txt,20\n"}
    ex = run(dmap(reader({"InputType": "MANIFEST"}, Bucket="inventory", Key="inv/manifest.json")), {}, s3=s3)
    assert ex.output == [{"Bucket": "data", "Key": "a.txt", "Size": "10"},
                         {"Bucket": "data", "Key": "b.txt", "Size": "20"}]


def test_reader_parameters_are_a_payload_template():
    ex = run(dmap(reader({"InputType": "JSON"}, **{"Bucket": "b", "Key.$": "States.Format('{}.json', $.day)"})),
             {"day": "monday"}, s3={"b/monday.json": json.dumps(["x"])})
    assert ex.output == ["x"] and ex.clock >= START
