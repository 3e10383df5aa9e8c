from importlib.metadata import metadata

import {{ cookiecutter.package_name }} as package

DISTRIBUTION = "{{ cookiecutter.project_slug }}"


def test_version_is_the_installed_distribution_version() -> None:
    assert package.__version__ == metadata(DISTRIBUTION)["Version"]
