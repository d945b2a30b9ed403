"""Which settings of the policy the platform acts on: one line per field of the schema.

Each line is ``field | code | test``: the field's path in the policy (``items[]`` for every item,
``[]`` for every row of a list), the code that acts on it (a dotted path) and the test that proves
it (``file::test``), or ``field | issue N | why`` for a setting that is saved but not yet acted
on, naming the issue that will enforce it. A ``field:value`` line marks one choice of a field
that is not yet in force while the field's other choices are.

``tests/test_in_force.py`` walks the schema and fails when a field has no line, when a line names
a field the schema does not have, a test that does not exist or code that does not resolve. The
editor and the programme's page show 尚未生效 beside every setting that is not yet in force
(never the issue number: that is for us).
"""

from dataclasses import dataclass

TABLE = """
items[].code | shipei.programmes.services.programme_update_policy | shipei/enrollment/tests/test_services.py::test_an_item_teachers_enrolled_for_keeps_its_code
items[].label | shipei.programmes.views_items._row | shipei/programmes/tests/test_views_items.py::test_the_items_section_is_one_compact_row_per_item_without_forms
items[].aliases | shipei.enrollment.import_layouts.ItemIndex | shipei/enrollment/tests/test_import.py::test_a_project_named_by_its_alias_is_found
items[].kind | shipei.projects.selectors.applicable_items | shipei/programmes/tests/test_in_force.py::test_a_phase_is_never_offered_to_a_base_as_a_project_but_a_course_is
items[].parent | shipei.programmes.policy.PolicyV1.lineage | shipei/programmes/tests/test_display.py::test_a_field_reads_with_its_phases_dates_and_nothing_the_notice_leaves_out
items[].hours | shipei.projects.models.Project.length_notes | shipei/projects/tests/test_views.py::test_a_length_unlike_the_notices_usual_one_is_shown_to_the_base_and_the_reviewers
items[].days | shipei.projects.models.Project.length_notes | shipei/projects/tests/test_views.py::test_a_length_unlike_the_notices_usual_one_is_shown_to_the_base_and_the_reviewers
items[].fee_cap_yuan | shipei.projects.services.submit_problems | shipei/projects/tests/test_services.py::test_submit_refuses_a_fee_above_the_items_cap
items[].mode | shipei.programmes.forms.display.item_facts | shipei/programmes/tests/test_in_force.py::test_an_items_mode_host_and_audiences_are_shown_on_the_programme_page
items[].host | shipei.enrollment.import_layouts.ItemIndex.project | shipei/enrollment/tests/test_import.py::test_host_aliases_and_full_labels_name_the_same_project
items[].training | shipei.programmes.calendar.calendar_warnings | shipei/programmes/tests/test_views.py::test_managers_are_warned_of_training_that_ends_before_registration_closes
items[].registration | shipei.enrollment.terms.registration_window | shipei/enrollment/tests/test_views.py::test_closed_window_is_refused_with_the_window_shown
items[].planned_seats | shipei.quotas.services.quota_set | shipei/quotas/tests/test_policy.py::test_planned_seats_cap_what_the_owner_hands_out
items[].eligibility.min_years_teaching | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_services.py::test_eligibility_says_which_rule_failed
items[].eligibility.titles | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_services.py::test_eligibility_says_which_rule_failed
items[].eligibility.org_kinds | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_org_kind_rule_takes_a_research_institute_and_names_a_school_it_refuses
items[].eligibility.school_kinds | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_views_teacher.py::test_what_the_teacher_may_apply_for_comes_first_and_the_rest_is_folded_with_one_reason
items[].eligibility.min_age | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_minimum_age_falls_back_to_the_day_the_items_registration_opens
items[].eligibility.max_age | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_age_is_counted_on_the_rules_date_from_the_id_numbers_birth_date
items[].eligibility.age_on | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_age_is_counted_on_the_rules_date_from_the_id_numbers_birth_date
items[].eligibility.major_classes | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_major_classes_match_the_teachers_class_its_大类_or_the_2010_name
items[].eligibility.major_must_match | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_major_match_holds_the_teachers_class_against_the_003_projects_field_classes
items[].eligibility.not_elsewhere_same_year | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_not_elsewhere_the_same_year_names_the_other_programme
items[].eligibility.not_elsewhere_same_kind | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_not_elsewhere_of_the_same_kind_in_any_year_or_with_the_year_too
items[].eligibility.not_in_programmes | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_not_in_programmes_names_the_programme_the_teacher_is_in
items[].eligibility.requires[].item | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_a_prerequisite_item_must_be_reached_first
items[].eligibility.requires[].state | shipei.enrollment.terms.eligibility_problems | shipei/enrollment/tests/test_terms.py::test_a_prerequisite_item_must_be_reached_first
items[].eligibility.audiences | shipei.programmes.forms.display.item_facts | shipei/programmes/tests/test_in_force.py::test_an_items_mode_host_and_audiences_are_shown_on_the_programme_page
items[].eligibility.other | shipei.enrollment.terms.conditions_to_check | shipei/enrollment/tests/test_terms.py::test_other_conditions_are_listed_for_people_to_check_and_never_refuse
items[].channels | shipei.enrollment.checks.submission_refusals | shipei/enrollment/tests/test_revisions.py::test_an_item_takes_only_its_own_channels
items[].approval_chain[].role | shipei.enrollment.approvals.chain_of | shipei/enrollment/tests/test_revisions.py::test_an_item_with_its_own_chain_skips_the_programmes_city_step
items[].approval_chain[].label | shipei.enrollment.approvals.chain_of | shipei/enrollment/tests/test_revisions.py::test_an_item_with_its_own_chain_skips_the_programmes_city_step
items[].approval_chain[].deadline | shipei.enrollment.reminders.remind_approval_deadlines | shipei/enrollment/tests/test_revisions.py::test_the_deadline_of_an_items_own_step_reminds_its_approvers
items[].quota_scope | shipei.quotas.receivers.scope_receivers | shipei/quotas/tests/test_receivers.py::test_each_item_gets_cells_only_for_the_receivers_its_own_scope_names
items[].content.practice_share_min | shipei.schedule.hours.practice_share | shipei/schedule/tests/test_shares.py::test_an_items_own_content_rules_come_before_the_programmes
items[].content.video_share_min | shipei.schedule.hours.video_share | shipei/schedule/tests/test_shares.py::test_an_items_own_content_rules_come_before_the_programmes
items[].content.minutes_per_hour | shipei.schedule.hours.learning_hours | shipei/schedule/tests/test_shares.py::test_an_items_own_content_rules_come_before_the_programmes
items[].assessment.components[].code | shipei.assessment.services.component_of | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].label | shipei.assessment.services.score_save | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].scorers | shipei.assessment.components.needed_scores | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].scorer_role | shipei.assessment.selectors.is_scorer | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].weight | shipei.assessment.selectors.Result.overall | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].kind | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].aggregate | shipei.assessment.selectors.combine | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].test_questions | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.components[].test_minutes | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.pass_mark | shipei.assessment.components.pass_mark | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.retries | shipei.assessment.components.tries | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.absence_limit_hours | shipei.attendance.selectors.absence_limit | shipei/attendance/tests/test_selectors.py::test_an_items_own_absence_limit_holds_over_the_programmes
items[].assessment.essay_min_chars | shipei.assessment.essays.essay_submit | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].assessment.process_pass_before_final | shipei.assessment.selectors.bar | shipei/assessment/tests/test_services.py::test_an_items_own_assessment_holds_over_the_programmes
items[].base | shipei.enrollment.approvals.item_base | shipei/enrollment/tests/test_revisions.py::test_a_base_step_is_taken_by_the_base_the_item_names
enrollment.channels | shipei.enrollment.checks.submission_refusals | shipei/enrollment/tests/test_services.py::test_who_may_submit
enrollment.approval_chain[].role | shipei.enrollment.approvals.holds_step | shipei/enrollment/tests/test_approvals.py::test_each_step_names_the_holders_the_check_lets_decide
enrollment.approval_chain[].label | shipei.enrollment.tables.AwaitingTable | shipei/enrollment/tests/test_tables.py::test_awaiting_rows_carry_their_card_roles_and_labels
enrollment.approval_chain[].deadline | shipei.enrollment.reminders.remind_approval_deadlines | shipei/enrollment/tests/test_reminders.py::test_approvers_are_reminded_once_the_day_before_a_step_deadline
enrollment.window | shipei.enrollment.terms.registration_window | shipei/enrollment/tests/test_services.py::test_window_is_shanghai_time_and_date_only_close_ends_at_midnight
enrollment.cancellation_deadline | shipei.enrollment.services.enrollment_withdraw | shipei/enrollment/tests/test_options.py::test_after_the_deadline_the_teacher_cannot_withdraw_by_themselves
enrollment.seat_released_by | shipei.enrollment.services.enrollment_withdraw | shipei/enrollment/tests/test_services.py::test_withdrawal_frees_the_seat_unless_substitutions_are_forbidden
enrollment.substitutions_allowed | shipei.enrollment.services.enrollment_withdraw | shipei/enrollment/tests/test_services.py::test_withdrawal_frees_the_seat_unless_substitutions_are_forbidden
enrollment.one_active_per | shipei.enrollment.models.live_key | shipei/enrollment/tests/test_seats.py::test_the_table_counts_live_enrollments_as_the_policy_says
enrollment.waitlist | shipei.enrollment.seats.fill_from_waitlist | shipei/enrollment/tests/test_services.py::test_waitlist_fills_a_freed_seat_in_order
enrollment.participant_list_scan | shipei.enrollment.lists.list_submit | shipei/enrollment/tests/test_lists.py::test_a_list_without_the_scan_the_notice_asks_for_is_refused
enrollment.participant_list_to | shipei.enrollment.exports.may_submit_list | shipei/enrollment/tests/test_export.py::test_submitting_a_list_is_offered_only_where_the_programme_asks_for_it
enrollment.application_form.label | shipei.enrollment.application_export.write_sheet | shipei/enrollment/tests/test_application.py::test_the_class_export_has_one_sheet_per_application_in_the_notices_layout
enrollment.application_form.fields[].code | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_missing_required_answers_are_refused_by_question_and_nothing_changes
enrollment.application_form.fields[].label | shipei.enrollment.application.filled | shipei/enrollment/tests/test_application.py::test_the_base_reviews_the_form_on_the_enrollment_page_with_personal_data_masked
enrollment.application_form.fields[].kind | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_missing_required_answers_are_refused_by_question_and_nothing_changes
enrollment.application_form.fields[].required | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_missing_required_answers_are_refused_by_question_and_nothing_changes
enrollment.application_form.fields[].source | shipei.enrollment.application.record_fact | shipei/enrollment/tests/test_application.py::test_the_base_reviews_the_form_on_the_enrollment_page_with_personal_data_masked
enrollment.application_form.fields[].choices | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_an_answer_outside_its_choices_or_too_long_is_refused
enrollment.application_form.fields[].rows | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_missing_required_answers_are_refused_by_question_and_nothing_changes
enrollment.application_form.fields[].help | shipei.enrollment.views_application.apply_class | shipei/enrollment/tests/test_application.py::test_a_teacher_applies_on_the_class_page_and_missing_answers_are_marked
enrollment.application_form.fields[].max_length | shipei.enrollment.application.problems | shipei/enrollment/tests/test_class_enrollment.py::test_an_answer_outside_its_choices_or_too_long_is_refused
enrollment.application_form.fields[].items | shipei.programmes.policy.application_form.ApplicationForm.fields_for | shipei/enrollment/tests/test_class_enrollment.py::test_only_the_self_assessment_of_the_level_applied_for_is_asked
quota.scope | shipei.quotas.receivers.scope_receivers | shipei/quotas/tests/test_receivers.py::test_a_new_city_scope_programme_gets_its_first_quotas_for_the_eleven_cities
quota.table | shipei.quotas.layout.table_layout | shipei/quotas/tests/test_export.py::test_the_export_lays_out_the_table_kept_with_the_programme
quota.held_from | shipei.enrollment.seats.held_at_submission | shipei/enrollment/tests/test_options.py::test_a_seat_held_from_approval_is_taken_when_the_last_step_admits
projects.application | shipei.projects.services.project_submit | shipei/projects/tests/test_services.py::test_submit_after_the_application_deadline_is_refused_with_the_deadline
projects.review_criteria[].code | shipei.projects.services.review_submit | shipei/projects/tests/test_services.py::test_expert_scores_every_criterion_and_the_total_is_kept
projects.review_criteria[].label | shipei.projects.services.review_submit | shipei/projects/tests/test_services.py::test_a_score_out_of_range_says_which_criterion_and_the_range
projects.review_criteria[].max_score | shipei.projects.services.review_submit | shipei/projects/tests/test_services.py::test_a_score_out_of_range_says_which_criterion_and_the_range
projects.experts_per_project | shipei.projects.services.project_decide | shipei/projects/tests/test_services.py::test_approval_needs_the_policy_number_of_submitted_reviews
base_caps.per_kind | shipei.projects.services.project_submit | shipei/projects/tests/test_services.py::test_cancelled_and_rejected_projects_free_their_places
base_caps.each_class_counts_as_project | shipei.projects.services.project_submit | shipei/projects/tests/test_services.py::test_submit_over_the_cap_counts_every_class_as_a_project
base_caps.adjusted_by_performance | shipei.projects.selectors.base_cap | shipei/appraisal/tests/test_caps.py::test_a_confirmed_cap_binds_next_years_submissions_only_where_the_policy_adjusts_caps
appraisal.weights | shipei.appraisal.services.weigh | shipei/appraisal/tests/test_services.py::test_totals_ranks_and_proposals_are_the_hand_computed_ones
appraisal.cap_change | shipei.appraisal.services.proposal | shipei/appraisal/tests/test_services.py::test_a_percentage_change_is_rounded_and_never_takes_the_cap_below_the_minimum
appraisal.bands[].min_total | shipei.programmes.policy.Appraisal.band_for | shipei/appraisal/tests/test_services.py::test_totals_ranks_and_proposals_are_the_hand_computed_ones
appraisal.bands[].change | shipei.appraisal.services.proposal | shipei/appraisal/tests/test_services.py::test_totals_ranks_and_proposals_are_the_hand_computed_ones
appraisal.min_cap | shipei.appraisal.services.proposal | shipei/appraisal/tests/test_services.py::test_a_percentage_change_is_rounded_and_never_takes_the_cap_below_the_minimum
classes.max_size | shipei.classes.services.class_problems | shipei/classes/tests/test_services.py::test_class_larger_than_the_policy_class_size_is_refused
classes.staff | shipei.staffing.needs.staff_roles | shipei/staffing/tests/test_services.py::test_a_recommendation_fills_each_role_from_the_category_and_level_never_from_its_own_institution
classes.milestones_days_before_start | shipei.classes.milestones.milestone_require | shipei/classes/tests/test_flow.py::test_applying_later_than_40_days_before_the_start_is_refused_until_an_admin_excepts_it
classes.length_days | shipei.classes.services.class_problems | shipei/classes/tests/test_services.py::test_a_class_longer_than_its_level_allows_is_refused_when_planned_applied_for_or_changed
classes.steps | shipei.classes.lifecycle.moves_for | shipei/classes/tests/test_flow.py::test_a_step_the_programme_does_not_use_is_refused
assessment.components[].code | shipei.assessment.services.component_of | shipei/assessment/tests/test_services.py::test_after_a_passed_process_the_three_assessors_decide_the_final
assessment.components[].label | shipei.assessment.services.score_save | shipei/assessment/tests/test_services.py::test_only_the_assigned_scorers_of_a_component_may_score_it
assessment.components[].scorers | shipei.assessment.components.needed_scores | shipei/assessment/tests/test_services.py::test_the_two_teaching_core_teachers_score_the_process_and_the_mean_decides
assessment.components[].scorer_role | shipei.assessment.selectors.is_scorer | shipei/assessment/tests/test_services.py::test_only_the_assigned_scorers_of_a_component_may_score_it
assessment.components[].weight | shipei.assessment.selectors.Result.overall | shipei/assessment/tests/test_services.py::test_weights_give_an_overall_score_once_every_component_is_scored
assessment.components[].kind | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_papers.py::test_a_paper_is_drawn_timed_and_scored_by_the_platform
assessment.components[].aggregate | shipei.assessment.selectors.combine | shipei/assessment/tests/test_services.py::test_the_median_when_the_policy_says_so
assessment.components[].test_questions | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_papers.py::test_a_paper_is_drawn_timed_and_scored_by_the_platform
assessment.components[].test_minutes | shipei.assessment.papers.paper_start | shipei/assessment/tests/test_papers.py::test_a_paper_is_drawn_timed_and_scored_by_the_platform
assessment.pass_mark | shipei.assessment.components.pass_mark | shipei/assessment/tests/test_services.py::test_a_mean_below_the_pass_mark_fails
assessment.retries | shipei.assessment.components.tries | shipei/assessment/tests/test_services.py::test_one_retry_then_no_more
assessment.absence_limit_hours | shipei.attendance.selectors.absence_limit | shipei/attendance/tests/test_selectors.py::test_leave_and_absence_above_the_policy_limit_bar_the_assessment
assessment.essay_min_chars | shipei.assessment.essays.essay_submit | shipei/assessment/tests/test_essays.py::test_an_essay_under_the_minimum_is_refused_with_its_count
assessment.process_pass_before_final | shipei.assessment.selectors.bar | shipei/assessment/tests/test_services.py::test_a_failed_process_bars_the_final_with_the_score_shown
content.practice_share_min | shipei.projects.services.submit_problems | shipei/projects/tests/test_services.py::test_submit_refuses_shares_below_the_policy_minimums
content.video_share_min | shipei.projects.services.submit_problems | shipei/projects/tests/test_services.py::test_submit_refuses_shares_below_the_policy_minimums
content.minutes_per_hour | shipei.schedule.hours.learning_hours | shipei/schedule/tests/test_progress.py::test_minutes_become_hours_by_the_policys_minutes_per_hour
certificate.issuer | shipei.certificates.eligibility.issuer_name | shipei/certificates/tests/test_services.py::test_per_phase_one_certificate_names_the_phase_with_its_hours
certificate.electronic | shipei.certificates.views._viewable | shipei/certificates/tests/test_pdf.py::test_without_electronic_certificates_the_holder_is_sent_to_the_issuer
certificate.per | shipei.certificates.eligibility.facts | shipei/certificates/tests/test_services.py::test_per_phase_one_certificate_names_the_phase_with_its_hours
certificate.issued_by_base | shipei.certificates.eligibility.issuer_name | shipei/certificates/tests/test_services.py::test_a_closed_class_gets_numbered_certificates_issued_by_its_base
certificate.after_assessment | shipei.certificates.eligibility.problems | shipei/certificates/tests/test_eligibility_delivery.py::test_a_trainee_who_has_not_passed_every_component_gets_no_certificate_and_the_reason
certificate.after_evaluation | shipei.certificates.eligibility.problems | shipei/surveys/tests/test_certificate.py::test_the_certificate_waits_for_the_trainees_evaluation
certificate.number_format | shipei.certificates.numbers.number_take | shipei/certificates/tests/test_services.py::test_a_closed_class_gets_numbered_certificates_issued_by_its_base
credit.counts_as_continuing_education | shipei.credits.services.counts | shipei/credits/tests/test_ledger.py::test_a_certificate_credits_the_ledger_only_where_the_policy_counts_it
evaluation[].code | shipei.surveys.services.survey_open | shipei/surveys/tests/test_services.py::test_handing_out_twice_a_form_without_questions_or_a_past_closing_is_refused
evaluation[].label | shipei.surveys.selectors.evaluation_problems | shipei/surveys/tests/test_certificate.py::test_the_certificate_waits_for_the_trainees_evaluation
evaluation[].respondent | shipei.surveys.selectors.respondent | shipei/surveys/tests/test_services.py::test_the_institution_and_the_core_teachers_answer_by_name
evaluation[].anonymous | shipei.surveys.services.response_submit | shipei/surveys/tests/test_anonymity.py::test_no_stored_column_or_order_links_an_answer_to_the_trainee
evaluation[].min_responses | shipei.surveys.results.withheld_reason | shipei/surveys/tests/test_results.py::test_k_comes_from_the_policy
milestones[].code | shipei.programmes.milestones.remind_milestones | shipei/programmes/tests/test_milestones.py::test_the_office_is_reminded_once_the_day_before_a_milestone
milestones[].label | shipei.programmes.milestones.remind_milestones | shipei/programmes/tests/test_milestones.py::test_the_office_is_reminded_once_the_day_before_a_milestone
milestones[].due | shipei.programmes.milestones.remind_milestones | shipei/programmes/tests/test_milestones.py::test_the_office_is_reminded_once_the_day_before_a_milestone
"""


@dataclass(frozen=True)
class Entry:
    """Where a field stands: `code` and `test` when in force, else `issue` and `why`."""

    field: str
    code: str = ""
    test: str = ""
    issue: int | None = None
    why: str = ""

    @property
    def in_force(self) -> bool:
        return self.issue is None


def _parse(table: str) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for line in table.strip().splitlines():
        field, where, proof = (part.strip() for part in line.split("|"))
        if where.startswith("issue "):
            out[field] = Entry(field, issue=int(where.removeprefix("issue ")), why=proof)
        else:
            out[field] = Entry(field, code=where, test=proof)
    return out


REGISTRY: dict[str, Entry] = _parse(TABLE)


def in_force(path: str) -> bool:
    """Whether the platform acts on the setting at `path` ("items[].eligibility.min_age"). A
    group of settings ("items[].assessment", "evaluation[]") is in force when any of its settings
    is; a path the registry does not know (a window's end, a row's delete box) counts by its
    nearest known parent."""
    inside = [
        e
        for key, e in REGISTRY.items()
        if key.startswith((f"{path}.", f"{path}[]")) and ":" not in key
    ]
    if inside and path not in REGISTRY:
        return any(e.in_force for e in inside)
    entry = entry_for(path)
    return entry is None or entry.in_force


def entry_for(path: str) -> Entry | None:
    while path:
        if path in REGISTRY:
            return REGISTRY[path]
        path = path.rpartition(".")[0]
    return None


def pending_choices(path: str) -> set[str]:
    """The choices of the field at `path` that are not yet in force ("no_show")."""
    prefix = f"{path}:"
    return {
        key.removeprefix(prefix)
        for key, entry in REGISTRY.items()
        if key.startswith(prefix) and not entry.in_force
    }


def form_path(base: str, name: str) -> str:
    """The policy path of a form field: `base` ("items[]", "enrollment") and the field's name
    (``eligibility__min_age``)."""
    parts = [p for p in name.split("__") if p]
    return ".".join([base, *parts]) if base else ".".join(parts)
