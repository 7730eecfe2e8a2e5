"""ape copies each dependency into `contracts/.cache` and, in ape 0.8, stops scanning the
contracts folder after 500 files: a dependency copy that pushes the folder past it hides some
of the project's own contracts from every later `ape run` (issue: `'LocalProject' object has no
attribute 'OTCTimelock'`). `tools/prune-deps.sh` keeps the copies to their sources; this test
unpacks them the way ape-solidity does and checks that a fresh scan sees every contract."""

from ape import Project, compilers
from ape.utils.os import get_all_files_in_directory

APE_SCAN_LIMIT = 500  # files: ape.managers.project.SourceManager._all_files


def test_contracts_folder__with_the_dependencies_unpacked__a_fresh_project_sees_every_contract(
    project,
):
    compilers.solidity.get_import_remapping(project=project)  # unpacks into contracts/.cache
    folder = project.contracts_folder
    cache = folder / ".cache"
    own = {path for path in folder.rglob("*.sol") if cache not in path.parents}

    scanned = get_all_files_in_directory(folder)
    fresh = set(Project(project.path).sources.paths)

    assert any(cache.rglob("*.sol")), "the dependencies were not unpacked"
    assert len(scanned) < APE_SCAN_LIMIT, f"{len(scanned)} files in {folder}"
    assert own <= fresh, sorted(str(path.relative_to(folder)) for path in own - fresh)
