"""parse_playbook: YAML text in, a checked Playbook out, or every error with path and line."""

from pydantic import ValidationError

from baton.rules.conditions import dotted
from baton.rules.playbook.document import SECTIONS, Playbook
from baton.rules.playbook.errors import PlaybookError, PlaybookIssue, issues_from
from baton.rules.playbook.loader import YamlSyntaxError, load_yaml


def parse_playbook(text: str) -> Playbook:
    """The playbook the text describes; raises PlaybookError naming each path and line."""
    try:
        data, node, problems = load_yaml(text)
    except YamlSyntaxError as exc:
        problem = exc.problem
        raise PlaybookError([PlaybookIssue("(yaml)", problem.message, problem.line)]) from None
    if not isinstance(data, dict):
        line = node.start_mark.line + 1 if node is not None else None
        message = f"must be a mapping of sections ({', '.join(SECTIONS)})"
        raise PlaybookError([PlaybookIssue("", message, line)])
    issues = [PlaybookIssue(dotted(p.loc), p.message, p.line) for p in problems]
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        issues += issues_from(exc, data, node, Playbook)
        playbook = None
    if issues or playbook is None:
        raise PlaybookError(issues)
    return playbook
