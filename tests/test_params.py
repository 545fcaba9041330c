import pytest

from phasediag.errors import ParameterError
from phasediag.params import Param, format_spec, parse_spec, validate_params
from phasediag.tasks import load_task

PARAMS = (
    Param("n", int, 5, "letters", low=2, high=10),
    Param("mode", str, "a", "mode", choices=("a", "b")),
    Param("rate", float, 0.5, "rate", low=0, high=1, low_open=True, when=("mode", ("b",))),
)


def test_spec_round_trip():
    task = load_task("prefix-sorting:length=3, n=4")
    assert task.spec == "prefix-sorting:n=4,length=3,structure=one-per-parent,seed=0"
    assert load_task(task.spec) == task
    assert load_task("prefix-sorting:n=4,length=3,structure=zipf").params["alpha"] == 1.0


def test_defaults_and_canonical_order():
    values = validate_params("fam", PARAMS, {"mode": "b"})
    assert values == {"n": 5, "mode": "b", "rate": 0.5}
    assert format_spec("fam", values) == "fam:n=5,mode=b,rate=0.5"


@pytest.mark.parametrize("raw, message", [
    ({"n": "1"}, "The 'n' parameter of fam must be an integer in [2, 10]. Got '1'."),
    ({"n": "2.5"}, "The 'n' parameter of fam must be an integer in [2, 10]. Got '2.5'."),
    ({"mode": "c"}, "The 'mode' parameter of fam must be one of a, b. Got 'c'."),
    ({"mode": "b", "rate": "0"}, "The 'rate' parameter of fam must be a number in (0, 1]. Got '0'."),
    ({"mode": "b", "rate": "nan"}, "The 'rate' parameter of fam must be a number in (0, 1]. Got 'nan'."),
    ({"rate": "0.3"}, "The 'rate' parameter of fam applies only with mode=b; got mode=a."),
    ({"x": "1"}, "Unknown parameter 'x' for fam. Allowed: n, mode, rate."),
])
def test_validation_messages(raw, message):
    with pytest.raises(ParameterError) as e:
        validate_params("fam", PARAMS, raw)
    assert str(e.value) == message


@pytest.mark.parametrize("spec", [":n=3", "prefix-sorting:n", "prefix-sorting:n=3,n=4", "prefix-sorting:=3"])
def test_malformed_specs(spec):
    with pytest.raises(ParameterError):
        parse_spec(spec)


def test_unknown_task():
    with pytest.raises(ParameterError, match="Unknown task 'sorting'. Known tasks: prefix-sorting"):
        load_task("sorting")
