"""Start-up imports only what a definition uses (issue 16): a JSONPath definition from a JSON
file loads neither JSONata's engine nor the YAML reader, nor Terraform's reader and the
placeholder suggestions, nor orjson (for the history's text); each comes with the first use."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
W5 = ROOT / "bench" / "workloads" / "W5_parse_start_200"

PROBE = """
import io, sys, contextlib
from interpreter.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(code, sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('jsonata', 'yaml', 'orjson')}),
      sorted(m.rpartition('.')[2] for m in sys.modules if m in READERS))
"""
READERS = ("interpreter.sources.terraform", "interpreter.sources.suggestions")


def loaded(*args) -> str:
    proc = subprocess.run([sys.executable, "-c", f"READERS = {READERS!r}\n{PROBE}", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_a_jsonpath_definition_loads_neither_jsonata_nor_yaml():
    assert loaded("run", f"{W5}.asl.json", "--input", f"{W5}.input.json") == "0 [] []"


def test_the_fast_json_encoder_loads_with_the_history_only():
    assert loaded("run", f"{W5}.asl.json", "--input", f"{W5}.input.json", "--event-types") == "0 [] []"
    assert loaded("run", f"{W5}.asl.json", "--input", f"{W5}.input.json", "--history") == "0 ['orjson'] []"


def test_jsonata_and_yaml_load_when_the_definition_needs_them(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("QueryLanguage: JSONata\nStartAt: A\nStates:\n  A: {Type: Pass, Output: '{% 1 + 1 %}', End: true}\n")
    assert loaded("run", path) == "0 ['jsonata', 'yaml'] []"
    plain = tmp_path / "m.json"
    plain.write_text(json.dumps({"QueryLanguage": "JSONata", "StartAt": "A",
                                 "States": {"A": {"Type": "Pass", "Output": "{% 1 + 1 %}", "End": True}}}))
    assert loaded("run", plain) == "0 ['jsonata'] []"


def test_terraform_and_suggestions_load_for_the_files_that_need_them(tmp_path):
    terraform = tmp_path / "main.tf"
    terraform.write_text('resource "aws_sfn_state_machine" "m" {\n  name = "m"\n  definition = jsonencode({\n'
                         '    StartAt = "A"\n    States = { A = { Type = "Pass", End = true } }\n  })\n}\n')
    assert loaded("run", terraform) == "0 [] ['terraform']"
    placeholder = tmp_path / "p.json"
    placeholder.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${Bucket}",
                                                                         "End": True}}}))
    assert loaded("run", placeholder) == "0 [] ['suggestions']"
