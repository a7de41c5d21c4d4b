"""compiler/sources/cloudformation.py: what a template determines is resolved, the rest is a located Hole."""

from __future__ import annotations

from rolec.sources import Bindings, Hole, Span
from rolec.sources.cfnyaml import parse
from rolec.sources.cloudformation import Template
from rolec.text import Pseudo

TEMPLATE = """\
Parameters:
  Env: {Type: String, Default: prod}
  Name: {Type: String}
  Image: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /images/app}
  Count: {Type: Number, Default: 3}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref Name, x]
Mappings:
  Groups: {prod: {name: /ecs/prod}}
Resources:
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Sub '/ecs/${Env}'}}
  Anonymous: {Type: AWS::Logs::LogGroup}
  Secret: {Type: AWS::SecretsManager::Secret, Properties: {Name: !Join ['-', [app, !Ref Env]]}}
  Param: {Type: AWS::SSM::Parameter, Properties: {Name: /app/db, Type: String, Value: x}}
Outputs:
  V:
    Value:
      a: !Ref Logs
      b: !GetAtt Logs.Arn
      c: !Ref Secret
      d: !Ref Param
      e: !Sub ['${X}-${AWS::Region}-${!Literal}', {X: !Ref Env}]
      f: !If [IsProd, yes-prod, no]
      g: !If [Unknown, a, b]
      h: !Select [1, !Split [',', 'a,b,c']]
      i: !FindInMap [Groups, !Ref Env, name]
      j: !Ref Anonymous
      k: !ImportValue other-Stack
      l: !Ref Image
      m: !Ref Name
      n: !Ref Count
      o: [1, !Ref AWS::NoValue, 2]
"""


def resolve(bindings=None):
    root = parse(TEMPLATE, "t.yaml")
    template = Template(root, Bindings(bindings or {}))
    return template.resolve(root.value["Outputs"].value["V"].value["Value"]).value


def test_resolved_values():
    v = resolve()
    assert v["a"].literal == "/ecs/prod"
    assert v["b"].value == ("arn:", Pseudo.PARTITION, ":logs:", Pseudo.REGION, ":", Pseudo.ACCOUNT, ":log-group:/ecs/prod:*")
    assert v["c"].value[-1] == ":secret:app-prod-??????"  # Ref returns the ARN, with the suffix Secrets Manager adds
    assert v["d"].literal == "/app/db"
    assert v["e"].value == ("prod-", Pseudo.REGION, "-${Literal}")
    assert v["f"].literal == "yes-prod"
    assert v["h"].literal == "b"
    assert v["i"].literal == "/ecs/prod"
    assert v["n"].literal == "3"
    assert [n.value for n in v["o"].value] == [1, 2]


def test_open_values_are_located_holes_with_their_binding():
    v = resolve()
    for key, binding, reason in (("g", "Name", ""), ("j", "Anonymous", "generates its name"),
                                 ("k", "ImportValue:other-Stack", "another stack's export"), ("l", "Image", "Parameter Store"),
                                 ("m", "Name", "")):
        hole = v[key].value if isinstance(v[key].value, Hole) else next(v[key].holes())
        assert hole.binding == binding, key
        assert reason in hole.reason, key
        assert hole.at.path == "t.yaml" and hole.at.line > 1
    assert v["m"].value.at == Span("t.yaml", 31, 10)


def test_bindings_replace_parameters_and_defaults():
    bindings = Bindings({"Env": "dev", "Name": "x", "Image": "nginx"})
    v = resolve(bindings.values)
    assert v["a"].literal == "/ecs/dev" and v["g"].literal == "a" and v["l"].literal == "nginx"


def test_deep_nesting_is_refused_not_a_crash():
    import pytest

    from rolec.errors import SpecError

    text = "Resources: {}\nOutputs:\n  V: " + '!Join ["", [' * 400 + "x" + "]]" * 400 + "\n"
    with pytest.raises(SpecError, match="nested too deeply"):
        root = parse(text, "deep.yaml")
        Template(root, Bindings()).resolve(root.value["Outputs"])


IMPORTS = """\
Parameters:
  App: {Type: String}
  Env: {Type: String, Default: prod}
Resources:
  Anonymous: {Type: AWS::Logs::LogGroup}
Outputs:
  V:
    Value:
      literal: !ImportValue stack-SSMGHUserName
      sub: {'Fn::ImportValue': !Sub '${App}-${Env}-DbSecret'}
      stack: {'Fn::ImportValue': !Sub '${AWS::StackName}-Db'}
      regional: {'Fn::ImportValue': !Sub '${AWS::Region}-Db'}
      generated: {'Fn::ImportValue': !Ref Anonymous}
      listed: {'Fn::ImportValue': [a, b]}
"""


def resolve_imports(bindings: dict):
    root = parse(IMPORTS, "i.yaml")
    template = Template(root, Bindings(bindings))
    return template.resolve(root.value["Outputs"].value["V"].value["Value"]).value


def test_an_import_is_bound_by_its_export_name_once_that_name_is_known():
    v = resolve_imports({})
    assert v["literal"].value.binding == "ImportValue:stack-SSMGHUserName"
    assert "bind it with --set ImportValue:stack-SSMGHUserName=VALUE" in v["literal"].value.message("x")
    # The export name depends on a parameter without a default: bind that first; then the import is named.
    assert v["sub"].value.binding is None and "--set App=VALUE" in v["sub"].value.reason
    assert resolve_imports({"App": "shop"})["sub"].value.binding == "ImportValue:shop-prod-DbSecret"
    assert resolve_imports({"AWS::StackName": "web"})["stack"].value.binding == "ImportValue:web-Db"
    bound = resolve_imports({"App": "shop", "ImportValue:shop-prod-DbSecret": "/shop/db", "App2": "x"})
    assert bound["sub"].literal == "/shop/db"
    assert resolve_imports({"ImportValue:stack-SSMGHUserName": "gh-user"})["literal"].literal == "gh-user"


def test_an_import_whose_export_name_cannot_be_bound_is_a_hole_that_says_why():
    v = resolve_imports({"ImportValue:-Db": "x", "ImportValue:Anonymous": "x", "Anonymous": "x"})
    assert v["regional"].value.binding is None and "names a different export in each deployment" in v["regional"].value.reason
    assert v["listed"].value.binding is None and "not a string" in v["listed"].value.reason
    # A parameter's name is never read as an export's: `--set Anonymous=x` names the log group, not an export.
    assert v["generated"].value.binding == "ImportValue:x"


def test_a_role_granting_its_secret_by_ref_grants_that_secret(tmp_path):
    """Ref of an AWS::SecretsManager::Secret is its full ARN (with the suffix), so `Resource: !Ref Secret` grants the
    secret a task names by its full ARN: the audit does not report it missing."""
    from rolec.audit.compare import audit_role
    from rolec.audit.needs import Need, Needs, Origin
    from rolec.iam.location import Location
    from rolec.roles import load

    path = tmp_path / "role.yaml"
    path.write_text("""\
Resources:
  Secret: {Type: AWS::SecretsManager::Secret, Properties: {Name: prod/db}}
  Exec:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: !Ref Secret}]
""")
    [role] = load([path])
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123"
    needs = Needs("app", (Need("secretsmanager:GetSecretValue", arn, (), (Origin("t.json", 1, 1, "secrets[0]"),)),), (), ())
    assert audit_role(role, needs, Location()).missing == ()


def test_a_list_parameter_is_a_list():
    """CloudFormation parameter types: CommaDelimitedList (and List<…>) is 'an array of literal strings that are
    separated by commas'; Ref returns the list (RequiresCompatibilities: !Ref Compat)."""
    root = parse("Parameters:\n  Compat: {Type: CommaDelimitedList, Default: 'FARGATE,EC2'}\n"
                 "Resources: {}\nOutputs:\n  V:\n    Value: !Ref Compat\n", "t.yaml")
    value = Template(root, Bindings({})).resolve(root.value["Outputs"].value["V"].value["Value"])
    assert [item.literal for item in value.value] == ["FARGATE", "EC2"]
    bound = Template(root, Bindings({"Compat": "EC2"})).resolve(root.value["Outputs"].value["V"].value["Value"])
    assert [item.literal for item in bound.value] == ["EC2"]
