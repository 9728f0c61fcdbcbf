"""Collects tests/nlu/check_data.py under pytest's default ``test_*.py`` discovery."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "kokom_nlu_check_data", Path(__file__).with_name("check_data.py"))
_check_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_check_data)


def test_nlu_data_is_consistent() -> None:
    _check_data.test_nlu_data_is_consistent()
