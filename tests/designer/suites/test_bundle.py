"""The hand-over bundle of each sample: unzipped, its README's Statewise command passes every
case; its ASL is the export and validates; its SAM template passes cfn-lint."""
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from designer.samples import samples_load
from interpreter.validation import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    user, workflows = samples_load(username="demo", password="pw-demo")
    client.force_login(user)
    return {w.name: w for w in workflows}


def junit_schema():
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is in the test extra")
    return xmlschema.XMLSchema(str(Path(__file__).resolve().parents[2] / "interpreter" / "testing" / "junit-ant.xsd"))


def unzip(client, workflow, folder: Path) -> Path:
    r = client.get(f"/api/workflows/{workflow.pk}/versions/1/bundle/")
    assert r.status_code == 200, r.content
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(folder)
    [root] = list(folder.iterdir())
    return root


def readme_command(root: Path) -> list[str]:
    text = (root / "README.md").read_text()
    [line] = [line for line in text.splitlines() if line.startswith("python -m interpreter test")]
    return line.split()


def test_every_sample_bundle_runs_its_readme_command(client, demo, tmp_path):
    # Each sample's test cases, with the expectations its tests file ships (the bank has none:
    # every case is expected to succeed, which they do).
    for i, (name, workflow) in enumerate(sorted(demo.items())):
        root = unzip(client, workflow, tmp_path / str(i))
        command = readme_command(root)
        assert command[:3] == ["python", "-m", "interpreter"]
        done = subprocess.run([sys.executable, *command[1:], "--junit", "report.xml"], cwd=root, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        junit_schema().validate(str(root / "report.xml"))
        cases = workflow.test_cases.count()
        assert f"{cases}/{cases} pass" in done.stdout.splitlines()[-1 - done.stdout.count("  not ")]


def test_the_bank_bundle_contents(client, demo, tmp_path):
    workflow = demo["Bank account application"]
    root = unzip(client, workflow, tmp_path)
    asl = (root / "statemachine.asl.json").read_text()
    assert asl == client.get(f"/api/workflows/{workflow.pk}/versions/1/export/asl/").content.decode()
    assert [d for d in validate(json.loads(asl)) if d.severity == "error"] == []
    mocks = json.loads((root / "MockConfigFile.json").read_text())
    machine = root.name
    assert sorted(mocks["StateMachines"][machine]["TestCases"]) == [
        "CleanApplication", "FlaggedAddressApprovedByReviewer", "IdentityServiceThrottledThenOk"]
    template = yaml.safe_load((root / "template.yaml").read_text())
    props = template["Resources"]["StateMachine"]["Properties"]
    assert props["Definition"]["States"]["Perform Automated Checks"]["Branches"][0]["States"][
        "Verify Identity Documents"]["Parameters"]["FunctionName"] == "${VerifyIdDocsLambdaArn}"
    assert props["DefinitionSubstitutions"]["VerifyIdDocsLambdaArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:VerifyIdDocs"}
    assert "123456789012" not in (root / "template.yaml").read_text()
    terraform = (root / "main.tf").read_text()
    assert 'resource "aws_sfn_state_machine"' in terraform
    assert ('"arn:aws:lambda:us-east-1:123456789012:", "arn:${data.aws_partition.current.partition}:lambda:'
            '${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:"') in terraform
    readme = (root / "README.md").read_text()
    assert "amazon/aws-stepfunctions-local" in readme and f"stateMachine:{machine}#CleanApplication" in readme
    assert "sam deploy" in readme and "terraform apply" in readme
    assert (root / "narrative.md").read_text().startswith("# Bank account application, version 1, in plain words")


def test_the_sam_templates_pass_cfn_lint(client, demo, tmp_path):
    lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    if lint is None:
        pytest.skip("cfn-lint is not installed (it comes with the test extra: pip install -e '.[test]')")
    templates = []
    for i, workflow in enumerate(demo.values()):
        templates.append(str(unzip(client, workflow, tmp_path / str(i)) / "template.yaml"))
    done = subprocess.run([lint, *templates], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_account_and_region_specific_arns_become_substitutions():
    from designer.suites.bundle import placeholders

    found = placeholders({"States": {
        "A": {"Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:Score:live"}},
        "B": {"Resource": "arn:aws:states:::sns:publish",
              "Parameters": {"TopicArn": "arn:aws:sns:eu-west-1:111122223333:Scores",
                             "Message.$": "States.Format('arn:aws:s3:::bucket/{}', $.key)"}},
        "C": {"Resource": "arn:aws-us-gov:states:us-gov-west-1:111122223333:activity:Review"}}})
    assert found == {"arn:aws:lambda:eu-west-1:111122223333:function:Score:live": "LiveLambdaArn",
                     "arn:aws:sns:eu-west-1:111122223333:Scores": "ScoresSnsArn",
                     "arn:aws-us-gov:states:us-gov-west-1:111122223333:activity:Review": "ReviewStatesArn"}
    assert not re.search("s3", " ".join(found))
