"""The wheel's own suite (tests/python-package.sh): run from a fresh venv where only the wheel
and pytest are installed; the terminus_mock fixtures come from the wheel's pytest11 entry point,
not from this file. pytester runs a failing suite to see what pytest prints."""
pytest_plugins = ["pytester"]
