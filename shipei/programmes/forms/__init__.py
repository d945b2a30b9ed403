"""Programme forms: identity, create, clone, one editor per policy section, and the read-only
display of a section.

The section editors are built from the pydantic policy models (shipei/programmes/policy.py),
so every setting of a notice has a real input with a Chinese label: numbers, dates, selects and
checkboxes, windows as 开始/结束 pairs, lists of steps or criteria as formsets, and dictionaries
as key/number rows.

- ``labels``: the Chinese labels of fields and values;
- ``spec``: what input a field needs, read from its type;
- ``inputs``: the form fields, and the way between form values and the policy's shape;
- ``sections``: the editor of one section (a form and its formsets);
- ``items``: the form of one item, for the items section's one-at-a-time editing;
- ``identity``: the notice's identity, create and clone forms;
- ``display``: a section for reading on the programme's page.
"""

from .display import item_conditions, item_facts, item_overrides, section_display
from .identity import CREATE_PLACES, CloneForm, ProgrammeCreateForm, ProgrammeForm
from .items import ItemForm
from .sections import SectionEditor

__all__ = [
    "CREATE_PLACES",
    "CloneForm",
    "ItemForm",
    "ProgrammeCreateForm",
    "ProgrammeForm",
    "SectionEditor",
    "item_conditions",
    "item_facts",
    "item_overrides",
    "section_display",
]
