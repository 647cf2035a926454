"""Which columns hold personal data, and under which retention rule each is kept.

Every table is either here, with every one of its columns classified, or named in
`WITHOUT_PERSONAL_DATA`. A column maps to the key of its rule in `retention.RETENTION`
(personal data: it names, contacts or describes a person, or points to one), or to
`NOT_PERSONAL`. tests/privacy/test_personal_data.py fails when a table or column is added
without a decision here, when a personal column has no retention rule, and when a personal
column reaches a public page, the open data or the API.
"""

from __future__ import annotations

NOT_PERSONAL = None

_ACCOUNT = "account"
_ROLES = "roles"
_SESSIONS = "sessions"
_SECURITY_LOG = "security_log"
_TOKENS = "api_tokens"
_MAIL = "mail"
_INVITATIONS = "invitations"
_KEPT = "kept_texts"
_TEAMS = "teams"
_RECORDS = "programme_records"
_ENGAGEMENT = "public_engagement"
_TRAINING = "training_records"

PERSONAL_COLUMNS: dict[str, dict[str, str | None]] = {
    "user": {
        "id": NOT_PERSONAL, "email": _ACCOUNT, "name": _ACCOUNT, "password_hash": _ACCOUNT,
        "municipality_id": _ACCOUNT, "locale": _ACCOUNT, "email_confirmed_at": _ACCOUNT,
        "disabled_at": _ACCOUNT, "created_at": _ACCOUNT, "last_login_at": _ACCOUNT,
        "password_version": NOT_PERSONAL,
    },
    "privacy_erasure": {"user_id": _ACCOUNT, "pseudonym": _ACCOUNT, "erased_at": _ACCOUNT},
    "affiliation": {
        "id": NOT_PERSONAL, "user_id": _ACCOUNT, "municipality_id": _ACCOUNT,
        "status": _ACCOUNT, "note": _ACCOUNT, "reason": _ACCOUNT, "created_at": _ACCOUNT,
        "decided_at": _ACCOUNT, "decided_by_id": _ACCOUNT,
    },
    "role_grant": {
        "id": NOT_PERSONAL, "user_id": _ROLES, "role": _ROLES, "region_code": _ROLES,
        "granted_at": _ROLES, "granted_by_id": _ROLES,
    },
    "user_session": {
        "id": NOT_PERSONAL, "token_hash": _SESSIONS, "user_id": _SESSIONS,
        "created_at": _SESSIONS, "last_seen_at": _SESSIONS, "ip": _SESSIONS,
        "user_agent": _SESSIONS, "remember": _SESSIONS,
    },
    # Who (user, e-mail address typed at sign-in), from where (IP address, browser), when.
    "security_event": {
        "id": NOT_PERSONAL, "at": _SECURITY_LOG, "event": _SECURITY_LOG,
        "user_id": _SECURITY_LOG, "email": _SECURITY_LOG, "ip": _SECURITY_LOG,
        "user_agent": _SECURITY_LOG, "details": _SECURITY_LOG,
    },
    "api_token": {
        "id": NOT_PERSONAL, "user_id": _TOKENS, "name": _TOKENS, "token_hash": _TOKENS,
        "prefix": _TOKENS, "created_at": _TOKENS, "last_used_at": _TOKENS,
        "revoked_at": _TOKENS,
    },
    "outbox_message": {
        "key": NOT_PERSONAL, "attempts": NOT_PERSONAL, "next_attempt_at": NOT_PERSONAL,
        "claimed_by": NOT_PERSONAL, "claimed_at": NOT_PERSONAL,
        "id": NOT_PERSONAL, "recipient": _MAIL, "subject": _MAIL, "body": _MAIL,
        "kind": NOT_PERSONAL, "created_at": NOT_PERSONAL, "sent_at": NOT_PERSONAL,
        "error": NOT_PERSONAL,
    },
    "team_invitation": {
        "id": NOT_PERSONAL, "team_id": NOT_PERSONAL, "email": _INVITATIONS,
        "token_hash": NOT_PERSONAL, "invited_by_id": _INVITATIONS, "created_at": NOT_PERSONAL,
        "expires_at": NOT_PERSONAL, "accepted_at": NOT_PERSONAL,
        "accepted_by_id": _INVITATIONS, "revoked_at": NOT_PERSONAL,
    },
    "idea_kept_text": {
        "browser_hash": _KEPT,
        "id": NOT_PERSONAL, "key": NOT_PERSONAL, "reason": NOT_PERSONAL,
        "idea_id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "user_id": _KEPT,
        "data": _KEPT, "created_at": NOT_PERSONAL, "expires_at": NOT_PERSONAL,
        "used_at": NOT_PERSONAL,
    },
    "kept_review": {
        "browser_hash": _KEPT,
        "id": NOT_PERSONAL, "review_id": _KEPT, "data": _KEPT,
        "created_at": NOT_PERSONAL, "expires_at": NOT_PERSONAL,
    },
    "team_member": {
        "id": NOT_PERSONAL, "team_id": _TEAMS, "user_id": _TEAMS, "is_lead": _TEAMS,
        "joined_at": _TEAMS,
    },
    "team": {
        "id": NOT_PERSONAL, "name": NOT_PERSONAL, "municipality_id": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "created_by_id": _RECORDS,
    },
    "hackathon": {
        "description_html": NOT_PERSONAL, "search_key": NOT_PERSONAL,
        "id": NOT_PERSONAL, "slug": NOT_PERSONAL, "title": NOT_PERSONAL,
        "description": NOT_PERSONAL, "region_code": NOT_PERSONAL, "theme": NOT_PERSONAL,
        "submission_opens_at": NOT_PERSONAL, "submission_closes_at": NOT_PERSONAL,
        "judging_closes_at": NOT_PERSONAL, "reviews_per_idea": NOT_PERSONAL,
        "blind_review": NOT_PERSONAL, "public_voting": NOT_PERSONAL,
        "prize_text": NOT_PERSONAL, "ranking_order": NOT_PERSONAL, "phase": NOT_PERSONAL,
        "version": NOT_PERSONAL, "created_at": NOT_PERSONAL, "updated_at": NOT_PERSONAL,
        "created_by_id": _RECORDS,
    },
    "phase_change": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "from_phase": NOT_PERSONAL,
        "to_phase": NOT_PERSONAL, "at": NOT_PERSONAL, "actor_id": _RECORDS,
        "reason": NOT_PERSONAL,
    },
    "final_round": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "size": NOT_PERSONAL,
        "idea_ids": NOT_PERSONAL, "note": NOT_PERSONAL, "own_criteria": NOT_PERSONAL,
        "scoring_opened_at": NOT_PERSONAL, "created_by_id": _RECORDS,
        "created_at": NOT_PERSONAL,
    },
    "winner_decision": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "idea_ids": NOT_PERSONAL,
        "justification": NOT_PERSONAL, "departs_from_ranking": NOT_PERSONAL,
        "ranking": NOT_PERSONAL, "ranking_order": NOT_PERSONAL, "decided_by_id": _RECORDS,
        "decided_at": NOT_PERSONAL, "published_at": NOT_PERSONAL,
    },
    "results_correction": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "decision_id": NOT_PERSONAL,
        "number": NOT_PERSONAL, "reason": NOT_PERSONAL, "changes": NOT_PERSONAL,
        "before": NOT_PERSONAL, "corrected_by_id": _RECORDS, "corrected_at": NOT_PERSONAL,
    },
    "assignment_run": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "at": NOT_PERSONAL,
        "actor_id": _RECORDS, "trigger": NOT_PERSONAL, "created": NOT_PERSONAL,
        "shortfalls": NOT_PERSONAL,
    },
    "jury_member": {
        "conflict_reason": _RECORDS,
        "id": NOT_PERSONAL, "hackathon_id": _RECORDS, "user_id": _RECORDS,
        "added_by_id": _RECORDS, "added_at": _RECORDS,
    },
    "idea": {
        "target_group_html": NOT_PERSONAL, "expected_impact_html": NOT_PERSONAL,
        "partners_html": NOT_PERSONAL,
        "search_key": NOT_PERSONAL, "problem_html": NOT_PERSONAL, "solution_html": NOT_PERSONAL,
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "team_id": NOT_PERSONAL,
        "title": NOT_PERSONAL, "summary": NOT_PERSONAL, "problem": NOT_PERSONAL,
        "solution": NOT_PERSONAL, "target_group": NOT_PERSONAL,
        "expected_impact": NOT_PERSONAL,
        # Partner municipalities' contact persons are written here.
        "partners": _RECORDS,
        "budget_eur": NOT_PERSONAL, "duration_months": NOT_PERSONAL,
        "status": NOT_PERSONAL, "version": NOT_PERSONAL, "created_at": NOT_PERSONAL,
        "created_by_id": _RECORDS, "updated_at": NOT_PERSONAL, "updated_by_id": _RECORDS,
        "submitted_at": NOT_PERSONAL, "withdrawn_at": NOT_PERSONAL,
        "ineligible_reason": NOT_PERSONAL, "ineligible_at": NOT_PERSONAL,
        "ineligible_by_id": _RECORDS,
    },
    "idea_revision": {
        "id": NOT_PERSONAL, "idea_id": NOT_PERSONAL, "number": NOT_PERSONAL,
        "saved_at": NOT_PERSONAL, "saved_by_id": _RECORDS, "status": NOT_PERSONAL,
        "data": _RECORDS,  # holds `partners` too
    },
    "idea_redaction": {
        "id": NOT_PERSONAL, "idea_id": NOT_PERSONAL, "title": NOT_PERSONAL,
        "summary": NOT_PERSONAL, "problem": NOT_PERSONAL, "solution": NOT_PERSONAL,
        "target_group": NOT_PERSONAL, "expected_impact": NOT_PERSONAL,
        "problem_html": NOT_PERSONAL, "solution_html": NOT_PERSONAL,
        "target_group_html": NOT_PERSONAL, "expected_impact_html": NOT_PERSONAL,
        "indicator_names": NOT_PERSONAL, "attachment_names": NOT_PERSONAL,
        "redacted_by_id": _RECORDS, "redacted_at": NOT_PERSONAL,
    },
    "idea_attachment": {
        "id": NOT_PERSONAL, "idea_id": NOT_PERSONAL, "stored_name": NOT_PERSONAL,
        "filename": NOT_PERSONAL, "content_type": NOT_PERSONAL, "kind": NOT_PERSONAL,
        "size": NOT_PERSONAL, "sha256": NOT_PERSONAL, "uploaded_at": NOT_PERSONAL,
        "uploaded_by_id": _RECORDS,
    },
    "review": {
        "excluded_at": NOT_PERSONAL, "excluded_by_id": _RECORDS, "exclusion_reason": _RECORDS,
        # A judge's scores and comments are the judge's personal data as well as records.
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "idea_id": NOT_PERSONAL,
        "judge_id": _RECORDS, "round": NOT_PERSONAL, "status": NOT_PERSONAL,
        "comment": _RECORDS, "score": _RECORDS, "version": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "updated_at": NOT_PERSONAL, "submitted_at": NOT_PERSONAL,
    },
    "review_score": {
        "id": NOT_PERSONAL, "review_id": _RECORDS, "criterion_id": NOT_PERSONAL,
        "score": _RECORDS, "comment": _RECORDS,
    },
    "conflict_declaration": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "review_id": NOT_PERSONAL,
        "idea_id": NOT_PERSONAL, "judge_id": _RECORDS, "reason": _RECORDS,
        "declared_at": NOT_PERSONAL,
    },
    "public_vote": {
        "id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL, "user_id": _ENGAGEMENT,
        "idea_id": _ENGAGEMENT, "cast_at": _ENGAGEMENT, "changed_at": _ENGAGEMENT,
    },
    "pilot_follower": {
        "id": NOT_PERSONAL, "pilot_id": _ENGAGEMENT, "user_id": _ENGAGEMENT,
        "created_at": _ENGAGEMENT,
    },
    "pilot": {
        "search_key": NOT_PERSONAL, "summary_html": NOT_PERSONAL,
        "id": NOT_PERSONAL, "idea_id": NOT_PERSONAL, "hackathon_id": NOT_PERSONAL,
        "team_id": NOT_PERSONAL, "title": NOT_PERSONAL, "summary": NOT_PERSONAL,
        "lead_municipality_id": NOT_PERSONAL, "region_code": NOT_PERSONAL,
        "start_date": NOT_PERSONAL, "end_date": NOT_PERSONAL,
        "approved_budget_eur": NOT_PERSONAL, "coordinator_id": _RECORDS,
        "status": NOT_PERSONAL, "evidence_required": NOT_PERSONAL, "version": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "created_by_id": _RECORDS, "updated_at": NOT_PERSONAL,
        "updated_by_id": _RECORDS, "assessment_theme_id": NOT_PERSONAL,
    },
    "pilot_update": {
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "reported_on": NOT_PERSONAL,
        "body": NOT_PERSONAL, "body_html": NOT_PERSONAL, "public": NOT_PERSONAL,
        "status": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "created_by_id": _RECORDS, "submitted_at": NOT_PERSONAL,
        "reviewed_at": NOT_PERSONAL, "reviewed_by_id": _RECORDS, "review_note": _RECORDS,
    },
    "pilot_status_change": {
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "from_status": NOT_PERSONAL,
        "to_status": NOT_PERSONAL, "at": NOT_PERSONAL, "actor_id": _RECORDS,
        "reason": NOT_PERSONAL,
    },
    "pilot_evaluation": {
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "results": NOT_PERSONAL,
        "lessons": NOT_PERSONAL, "results_html": NOT_PERSONAL,
        "lessons_html": NOT_PERSONAL, "recommendation": NOT_PERSONAL,
        "evaluated_at": NOT_PERSONAL, "evaluated_by_id": _RECORDS,
    },
    "pilot_document": {
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "stored_name": NOT_PERSONAL,
        "filename": NOT_PERSONAL, "content_type": NOT_PERSONAL, "kind": NOT_PERSONAL,
        "size": NOT_PERSONAL, "sha256": NOT_PERSONAL, "uploaded_at": NOT_PERSONAL,
        "uploaded_by_id": _RECORDS,
    },
    "expense": {
        "category": NOT_PERSONAL, "document_public": NOT_PERSONAL,
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "spent_on": NOT_PERSONAL,
        "amount_eur": NOT_PERSONAL, "description": NOT_PERSONAL,
        "document_id": NOT_PERSONAL, "created_at": NOT_PERSONAL, "created_by_id": _RECORDS,
    },
    "measurement": {
        "id": NOT_PERSONAL, "indicator_id": NOT_PERSONAL, "value": NOT_PERSONAL,
        "measured_on": NOT_PERSONAL, "note": NOT_PERSONAL, "document_id": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "created_by_id": _RECORDS,
    },
    "replication": {
        "id": NOT_PERSONAL, "pilot_id": NOT_PERSONAL, "municipality_id": NOT_PERSONAL,
        "status": NOT_PERSONAL, "started_on": NOT_PERSONAL, "note": NOT_PERSONAL,
        "created_at": NOT_PERSONAL, "updated_at": NOT_PERSONAL, "created_by_id": _RECORDS,
    },
    "team_former_member": {
        "id": NOT_PERSONAL, "team_id": NOT_PERSONAL, "user_id": _TEAMS,
        "joined_at": _TEAMS, "left_at": _TEAMS,
    },
    "programme_person": {
        "id": NOT_PERSONAL, "name": _TRAINING, "email": _TRAINING,
        "municipality_id": _TRAINING, "region_code": _TRAINING, "created_at": NOT_PERSONAL,
    },
    "programme_attendance": {
        "id": NOT_PERSONAL, "event_id": NOT_PERSONAL, "person_id": _TRAINING,
        "municipality_id": _TRAINING, "region_code": _TRAINING, "recorded_at": NOT_PERSONAL,
        "source": NOT_PERSONAL,
    },
    "programme_event": {
        "id": NOT_PERSONAL, "title": NOT_PERSONAL, "kind": NOT_PERSONAL,
        "format": NOT_PERSONAL, "region_code": NOT_PERSONAL, "theme": NOT_PERSONAL,
        "starts_on": NOT_PERSONAL, "ends_on": NOT_PERSONAL, "place": NOT_PERSONAL,
        "organiser": NOT_PERSONAL, "created_by_id": _RECORDS, "created_at": NOT_PERSONAL,
    },
    "assessment_response": {
        "id": NOT_PERSONAL, "round_id": NOT_PERSONAL, "municipality_id": NOT_PERSONAL,
        "respondent_id": _RECORDS, "shares_contact": NOT_PERSONAL,
        "submitted_at": NOT_PERSONAL, "updated_at": NOT_PERSONAL,
    },
    "audit_entry": {
        "id": NOT_PERSONAL, "at": NOT_PERSONAL, "actor_id": _RECORDS,
        "action": NOT_PERSONAL, "object_type": NOT_PERSONAL, "object_id": NOT_PERSONAL,
        "before": _RECORDS, "after": _RECORDS,
    },
}

# Reference data, criteria, money and indicators: about places and pilots, not people.
WITHOUT_PERSONAL_DATA: frozenset[str] = frozenset({
    "region", "municipality", "public_data_version", "public_change", "criterion",
    "hackathon_eligible_region", "team_partner", "pilot_partner", "proposed_indicator",
    "funding_line", "indicator", "milestone", "municipality_domain",
    # Assessments describe municipalities' services, not people (the respondent is above).
    "assessment_instrument", "assessment_theme", "assessment_question", "assessment_round",
    "assessment_answer",
})


def personal_columns() -> list[tuple[str, str, str]]:
    """(table, column, retention rule key) for every column that holds personal data."""
    return [(table, column, rule) for table, columns in PERSONAL_COLUMNS.items()
            for column, rule in columns.items() if rule is not NOT_PERSONAL]
