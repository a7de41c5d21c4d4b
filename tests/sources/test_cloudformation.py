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
    assert v["c"].value[-1] == ":secret:app-prod"
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
                                 ("k", None, "another stack's export"), ("l", "Image", "Parameter Store"),
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
