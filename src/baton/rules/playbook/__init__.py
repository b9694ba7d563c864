"""The playbook: the lead definition both teams agreed, as one validated YAML document.

Sections live in their own modules; `parse_playbook` reads YAML with line numbers and
`diff_playbooks` lists changes between versions. See docs/playbook.md for the reference.
"""

from baton.rules.playbook.company import Company
from baton.rules.playbook.diff import diff_playbooks
from baton.rules.playbook.document import LATER_SECTIONS, SECTIONS, Playbook
from baton.rules.playbook.engagement import Engagement, EngagementRule, Group
from baton.rules.playbook.errors import PlaybookError, PlaybookIssue
from baton.rules.playbook.fit import Fit, FitRule, GradeBand
from baton.rules.playbook.mql import Mql
from baton.rules.playbook.parse import parse_playbook
from baton.rules.playbook.personas import Persona
from baton.rules.playbook.reasons import Reason

__all__ = [
    "LATER_SECTIONS",
    "SECTIONS",
    "Company",
    "Engagement",
    "EngagementRule",
    "Fit",
    "FitRule",
    "GradeBand",
    "Group",
    "Mql",
    "Persona",
    "Playbook",
    "PlaybookError",
    "PlaybookIssue",
    "Reason",
    "diff_playbooks",
    "parse_playbook",
]
