"""What an organiser who edits in GitHub's web editor sees on a pull request: the
workflow's build (`invoke deploy` with GITHUB_ACTIONS=true) turns a mistake in a
post into an annotation on that file and line, and says it in the job summary.

The annotations come from the findings plugin
(`::error file=content/news/X.md,line=N::...`)."""

from test_publish import (
    commit,
    deploy,
    old_site,
    other_sites,
    project,
    refused,
    snapshot,
    write_post,
)

__all__ = ["other_sites", "project"]  # fixtures shared with test_publish.py


def test_a_broken_post_is_an_annotation_on_its_line(project, tmp_path):
    post = write_post(project, "2021-05-02-broken.md", "Broken", date="2021-02-30")
    commit(project)
    target, summary = tmp_path / "www", tmp_path / "summary.md"
    before = old_site(target)
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = deploy(project, "--target", str(target), env=github)
    output, _ = refused(result)
    source = post.relative_to(project).as_posix()
    assert f"::error file={source},line=2::" in result.stdout, output
    assert source in summary.read_text()
    assert snapshot(target) == before
