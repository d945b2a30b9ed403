"""Staffing classes with core teachers (骨干教师), optimally: the problem, CP-SAT, and a checker.

Plain data in, plain data out, no Django: the services build a problem from the database, the
benchmark builds one from a seeded generator, and the tests build small ones by hand.

The objectives, in order (each stage is solved with the optimum of the earlier ones fixed as a
constraint, so a later one never costs an earlier one anything):

1. the most classes fully staffed (a class gets all the places it asks for, or none of them);
   where ``partial`` is asked for (one class's recommendation), then the most places filled;
2. the most preferred teaching core teachers honoured;
3. the smallest maximum yearly load (assignments this year, those held already included);
4. the smallest sum of squared yearly loads (the fairest spread at that maximum).

A core teacher serves a class only in a role they hold, for a category and level they are
qualified for, never for their own institution, never for a class they declined, and never in two
classes too close in time: between two of anyone's classes lies at least one free day (the travel
day of notice 004's "free on the class dates, a travel day either side").

The model splits into independent parts (classes that share no candidate), each solved alone:
the sums of the objectives add up, and the maximum load is the largest part's, so the parts'
optima make the whole's.

The package: the problem and its rules (``problem``), the CP-SAT model of one independent part
(``model``), the stages that solve it (``stages``), why a class stays open (``explanations``) and
the independent checker (``checker``).
"""

from .checker import check
from .explanations import explain
from .problem import (
    ASSESSING,
    FEASIBLE,
    KEEP,
    OPTIMAL,
    ROLES,
    TEACHING,
    Class,
    Shortage,
    Solution,
    Teacher,
    candidates,
    clash,
    eligible,
    free,
    own,
    qualified,
    shortlist,
    span,
    staffable_alone,
)
from .stages import solve

__all__ = [
    "ASSESSING",
    "FEASIBLE",
    "KEEP",
    "OPTIMAL",
    "ROLES",
    "TEACHING",
    "Class",
    "Shortage",
    "Solution",
    "Teacher",
    "candidates",
    "check",
    "clash",
    "eligible",
    "explain",
    "free",
    "own",
    "qualified",
    "shortlist",
    "solve",
    "span",
    "staffable_alone",
]
